// Stripe delivers each event at least once and retries for days: an event already delivered to a trigger in the
// last 24 hours is acknowledged and not run again. The memory is this running n8n's own (lost on restart, not
// shared between n8n processes); keys are scoped to one workflow's trigger node and URL kind (production or test).

export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A ceiling on remembered events (about 100 bytes each), so a flood cannot grow the memory without bound. */
export const DEDUPE_MAX_EVENTS = 100_000;

export class DeliveryMemory {
	/** key → when first seen (ms); a Map keeps insertion order, so the oldest entries come first. */
	private readonly seen = new Map<string, number>();

	constructor(
		private readonly windowMs = DEDUPE_WINDOW_MS,
		private readonly maxEvents = DEDUPE_MAX_EVENTS,
	) {}

	/** Records the delivery; false when the same key was already recorded within the window. */
	firstDelivery(scope: string, eventId: string, now: number): boolean {
		this.forgetOld(now);
		const key = `${scope}|${eventId}`;
		if (this.seen.has(key)) return false;
		this.seen.set(key, now);
		if (this.seen.size > this.maxEvents) this.seen.delete(this.seen.keys().next().value as string);
		return true;
	}

	get size(): number {
		return this.seen.size;
	}

	private forgetOld(now: number): void {
		for (const [key, at] of this.seen) {
			if (now - at < this.windowMs) return;
			this.seen.delete(key);
		}
	}
}

/** The memory every Stripe Customer Trigger in this running n8n shares. */
export const deliveryMemory = new DeliveryMemory();

// A client-side request limiter (a token bucket kept as the time of the next free slot).
// One limiter per Stripe account is shared by every run of the node in this process,
// so parallel executions together stay under Stripe's limit instead of each tripping 429.

export class RequestRateLimiter {
	private nextSlotAt = 0;

	constructor(private perSecond: number) {}

	setRate(perSecond: number): void {
		this.perSecond = perSecond;
	}

	/** Resolves when one more request may be sent. A rate of 0 or less means no limit. */
	async acquire(): Promise<void> {
		if (!(this.perSecond > 0)) return;
		const interval = 1000 / this.perSecond;
		// A small burst (a tenth of a second's worth) lets idle limiters start at once without bunching requests.
		const burst = Math.max(1, Math.ceil(this.perSecond / 10));
		const now = performance.now();
		const slot = Math.max(this.nextSlotAt, now - (burst - 1) * interval);
		this.nextSlotAt = slot + interval;
		const wait = slot - now;
		if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
	}
}

const limitersByAccount = new Map<string, RequestRateLimiter>();

/** The process-wide limiter for one Stripe account; the latest rate asked for wins. */
export function sharedRateLimiter(accountKey: string, perSecond: number): RequestRateLimiter {
	let limiter = limitersByAccount.get(accountKey);
	if (!limiter) {
		limiter = new RequestRateLimiter(perSecond);
		limitersByAccount.set(accountKey, limiter);
	} else {
		limiter.setRate(perSecond);
	}
	return limiter;
}

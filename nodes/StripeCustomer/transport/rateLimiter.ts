import { sleep } from 'n8n-workflow';

// A client-side request limiter per Stripe account, shared by every run of the node in this running n8n (main or worker).
// The configured rate is a ceiling. With adaptation on, the limiter also follows what Stripe says:
// on a 429 it lowers its rate at once (multiplicatively), and while requests succeed it raises it again
// slowly (additively). Processes that share one account (n8n queue-mode workers, other integrations)
// never talk to each other, yet each backs off when the account is over its limit, so together they
// settle near the account's real limit: the scheme TCP uses to share a link.

/** Share of the rate kept after a 429. */
const DECREASE_FACTOR = 0.7;
/** Requests per second added per second of successful requests. */
const INCREASE_PER_SECOND = 1;
/** Never slower than this, so a limiter that was pushed down still probes for room. */
const MIN_RATE = 1;
/**
 * At most one decrease per this many milliseconds: Stripe counts requests per second, so one second is the time
 * a decrease needs to show; several 429s within it report the same excess.
 */
const DECREASE_INTERVAL_MS = 1000;
/** Unused capacity an idle limiter may spend at once, in seconds of its rate. */
const BURST_SECONDS = 0.1;

export interface LimiterSettings {
	/** Requests per second at most; 0 means no client-side limit. */
	requestsPerSecond: number;
	/** Whether to lower the rate on 429s and raise it back while requests succeed. */
	adaptive: boolean;
}

export class AccountRateLimiter {
	private ceiling = 0;
	private rate = 0;
	private adaptive = true;
	private nextSlotAt = 0;
	private lastDecreaseAt = Number.NEGATIVE_INFINITY;
	private lastSuccessAt = performance.now();
	/** Waiters take their turns in order; each reads the rate current at its turn. */
	private queue: Promise<void> = Promise.resolve();

	constructor(settings: LimiterSettings) {
		this.configure(settings);
	}

	/** The latest run's settings win; a lowered ceiling applies at once, a raised one is approached gradually when adapting. */
	configure({ requestsPerSecond, adaptive }: LimiterSettings): void {
		const ceiling = requestsPerSecond > 0 ? requestsPerSecond : 0;
		if (ceiling !== this.ceiling || adaptive !== this.adaptive) {
			this.rate = !adaptive || this.rate === 0 || ceiling === 0 ? ceiling : Math.min(Math.max(this.rate, MIN_RATE), ceiling);
			this.ceiling = ceiling;
			this.adaptive = adaptive;
		}
	}

	get currentRate(): number {
		return this.rate;
	}

	/** Milliseconds since a request of this account last succeeded (any run in this running n8n). */
	msSinceLastSuccess(): number {
		return performance.now() - this.lastSuccessAt;
	}

	/** Resolves when one more request may be sent; returns the time it was let through. */
	// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the wait for a slot listens to it on the limiter's own branch
	async acquire(_signal?: AbortSignal): Promise<number> {
		const turn = this.queue.then(async () => await this.waitForSlot());
		this.queue = turn;
		await turn;
		return performance.now();
	}

	private async waitForSlot(): Promise<void> {
		if (!(this.rate > 0)) return;
		const interval = 1000 / this.rate;
		const burst = Math.max(1, this.rate * BURST_SECONDS);
		const now = performance.now();
		const slot = Math.max(this.nextSlotAt, now - (burst - 1) * interval);
		this.nextSlotAt = slot + interval;
		if (slot - now >= 1) await sleep(slot - now);
	}

	recordSuccess(): void {
		this.lastSuccessAt = performance.now();
		if (!this.adaptive || this.rate >= this.ceiling || !(this.rate > 0)) return;
		// One success at rate r is 1/r seconds of progress: adding INCREASE/r per success adds INCREASE per second.
		this.rate = Math.min(this.ceiling, this.rate + INCREASE_PER_SECOND / this.rate);
	}

	/**
	 * A 429 for a request let through at `sentAt`. Requests sent before the rate was last lowered, or within a second
	 * of it, report the same excess, so they do not lower it again. `retryAfterMs` (Stripe's Retry-After header)
	 * pauses the whole account.
	 */
	recordRateLimited(sentAt: number, retryAfterMs?: number): void {
		const now = performance.now();
		if (retryAfterMs !== undefined && retryAfterMs > 0) this.nextSlotAt = Math.max(this.nextSlotAt, now + retryAfterMs);
		if (!this.adaptive || !(this.ceiling > 0)) return;
		if (sentAt <= this.lastDecreaseAt || now - this.lastDecreaseAt < DECREASE_INTERVAL_MS) return;
		this.rate = Math.max(MIN_RATE, this.rate * DECREASE_FACTOR);
		this.lastDecreaseAt = now;
		// Requests already waiting for a slot at the old spacing are spaced at the new one.
		this.nextSlotAt = Math.max(this.nextSlotAt, now + 1000 / this.rate);
	}
}

const limitersByAccount = new Map<string, AccountRateLimiter>();

/** The limiter of one Stripe account (base URL, key and connected account), one per running n8n. */
export function accountRateLimiter(accountKey: string, settings: LimiterSettings): AccountRateLimiter {
	let limiter = limitersByAccount.get(accountKey);
	if (!limiter) {
		limiter = new AccountRateLimiter(settings);
		limitersByAccount.set(accountKey, limiter);
	} else {
		limiter.configure(settings);
	}
	return limiter;
}

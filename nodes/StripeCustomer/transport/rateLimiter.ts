import { sleep } from 'n8n-workflow';

// One request limiter per Stripe account, shared by every run of the node in this running n8n (main or worker).
// It holds two limits:
// - a rate (requests per second), the lowest Requests Per Second among the runs using the account right now;
// - an in-flight limit that follows the rate at the latency the account's requests take (rate × latency, with
//   headroom), so the rate is reached at 50 ms and at 1 s per request alike, and a slow Stripe is not piled on.
// With adaptation on, the rate also follows what Stripe says. On a 429 it drops at once to 70 %. If the rate before
// the 429 had held for a while, the 429s were a burst (another integration's spike): the limiter climbs straight
// back to that rate, doubling each second. If a request sent during that return is refused (or right after it,
// before the rate held a second), the account's limit really is lower (another worker shares it): the limiter
// lowers the rate at once, then climbs by one request per second each second (the scheme TCP uses to share a link,
// so processes that never talk to each other settle near the account's limit), and does not return quickly again
// until a rate holds for 10 s. Above the rate that held, it probes slowly.

/** Share of the rate kept after a 429. */
const DECREASE_FACTOR = 0.7;
/** Requests per second added per second of successful requests, above the rate that held. */
const INCREASE_PER_SECOND = 1;
/** Below the rate that held, the rate is multiplied by this per second of successful requests. */
const RETURN_FACTOR_PER_SECOND = 2;
/** Never slower than this, so a limiter that was pushed down still probes for room. */
const MIN_RATE = 1;
/**
 * At most one decrease per this many milliseconds: Stripe counts requests per second, so one second is the time
 * a decrease needs to show; several 429s within it report the same excess.
 */
const DECREASE_INTERVAL_MS = 1000;
/** A rate that went this long without a 429 held: after a burst of 429s the limiter returns to it quickly. */
const HELD_MS = 1000;
/**
 * After a return that was refused at once (the account's limit is lower: another worker shares it), a rate must hold
 * this long before the limiter returns to it quickly again, so that sharing the account settles the slow way.
 */
const HELD_WHILE_SHARED_MS = 10_000;
/** Unused capacity an idle limiter may spend at once, in seconds of its rate. */
const BURST_SECONDS = 0.1;
/** Requests in flight until the first answer tells the latency. */
const IN_FLIGHT_BEFORE_FIRST_ANSWER = 10;
/** In-flight room beyond what the rate needs at the observed latency (latency varies from request to request). */
const IN_FLIGHT_HEADROOM = 1.5;
/** How far one answer moves the latency estimate (an exponential moving average). */
const LATENCY_WEIGHT = 0.2;
/** A run's Requests Per Second counts for the account while it has requests waiting or in flight, and this long after. */
const RUN_LINGER_MS = 2000;

export interface LimiterSettings {
	/** Requests per second at most; 0 means no client-side limit. */
	requestsPerSecond: number;
	/** Whether to lower the rate on 429s and raise it back while requests succeed. */
	adaptive: boolean;
}

/** One request's turn: when it was let through, and the call that gives its place back. */
export interface RequestPermit {
	/** performance.now() when the request was let through. */
	readonly sentAt: number;
	/** Requests of the account in flight when this one was let through, itself included. */
	readonly inFlightAtSend: number;
	/** Gives the place back: `latencyMs` is how long Stripe took to answer (NaN when there was no answer to learn from). */
	release(latencyMs: number): void;
}

/** @internal One run of the node at its account's limiter. */
export interface RunEntry {
	settings: LimiterSettings;
	/** Requests of this run waiting for a turn or in flight. */
	busy: number;
	lastActiveAt: number;
}

export class AccountRateLimiter {
	/** The rate learned from Stripe's 429s; Infinity while nothing holds the account below the runs' ceiling. */
	private learnedRate = Number.POSITIVE_INFINITY;
	/** The rate that held before the latest burst of 429s, to return to quickly; undefined when none did. */
	private heldRate: number | undefined;
	private nextSlotAt = 0;
	private lastDecreaseAt = Number.NEGATIVE_INFINITY;
	private lastRateLimitedAt = Number.NEGATIVE_INFINITY;
	/** When the quick return to the held rate began (its first success); undefined once that rate has held a second again. */
	private returnStartedAt: number | undefined;
	/** How long a rate must go without a 429 to count as held: longer while the account's limit looks shared. */
	private heldAfterMs = HELD_MS;
	private lastSuccessAt = performance.now();
	private inFlight = 0;
	/** Estimated milliseconds per request; undefined until the first answer. */
	private latencyMs: number | undefined;
	private readonly runs = new Set<RunEntry>();
	/** Whoever waits for an in-flight place is woken when one is given back. */
	private wakeInFlightWaiter: (() => void) | undefined;
	/** Waiters take their turns in order; each reads the limits current at its turn. */
	private queue: Promise<void> = Promise.resolve();

	/** A run of the node using this account with its own settings; the lowest Requests Per Second among runs holds. */
	join(settings: LimiterSettings): RunLimiter {
		const entry: RunEntry = { settings, busy: 0, lastActiveAt: performance.now() };
		this.runs.add(entry);
		return new RunLimiter(this, entry);
	}

	/** Requests per second the account is held to now (Infinity: no limit). */
	get currentRate(): number {
		const { ceiling } = this.runSettings();
		return Math.min(ceiling, this.learnedRate);
	}

	/** Requests the account may have in flight now. */
	get inFlightLimit(): number {
		if (this.latencyMs === undefined) return IN_FLIGHT_BEFORE_FIRST_ANSWER;
		const rate = this.currentRate;
		if (!Number.isFinite(rate)) return Number.POSITIVE_INFINITY;
		return Math.ceil((rate * this.latencyMs * IN_FLIGHT_HEADROOM) / 1000) + 1;
	}

	/** Milliseconds since a request of this account last succeeded (any run in this running n8n). */
	msSinceLastSuccess(): number {
		return performance.now() - this.lastSuccessAt;
	}

	/** The lowest ceiling among the runs active now, and whether any of them adapts; forgets runs long idle. */
	private runSettings(): { ceiling: number; adaptive: boolean } {
		const now = performance.now();
		let ceiling = Number.POSITIVE_INFINITY;
		let adaptive = false;
		for (const run of this.runs) {
			if (run.busy === 0 && now - run.lastActiveAt > RUN_LINGER_MS) {
				this.runs.delete(run);
				continue;
			}
			if (run.settings.requestsPerSecond > 0)
				ceiling = Math.min(ceiling, run.settings.requestsPerSecond);
			adaptive ||= run.settings.adaptive;
		}
		return { ceiling, adaptive };
	}

	/**
	 * @internal RunLimiter's: resolves when one more request may be sent. A cancelled run's waiters give up their turn
	 * (taking no slot from other runs) and throw.
	 */
	async acquire(run: RunEntry, signal?: AbortSignal): Promise<RequestPermit> {
		run.busy++;
		run.lastActiveAt = performance.now();
		const turn = this.queue.then(async () => {
			if (!signal?.aborted) await this.waitForTurn();
		});
		this.queue = turn;
		await turn;
		if (signal?.aborted) {
			run.busy--;
			const cancelled = new Error('The execution was cancelled');
			cancelled.name = 'AbortError';
			throw cancelled;
		}
		this.inFlight++;
		let released = false;
		return {
			sentAt: performance.now(),
			inFlightAtSend: this.inFlight,
			release: (latencyMs: number) => {
				if (released) return;
				released = true;
				this.inFlight--;
				run.busy--;
				run.lastActiveAt = performance.now();
				if (Number.isFinite(latencyMs) && latencyMs >= 0) {
					this.latencyMs =
						this.latencyMs === undefined
							? latencyMs
							: this.latencyMs + LATENCY_WEIGHT * (latencyMs - this.latencyMs);
				}
				this.wakeInFlightWaiter?.();
			},
		};
	}

	private async waitForTurn(): Promise<void> {
		// Only the waiter at the head of the queue is here, so one wake-up function is enough.
		while (this.inFlight >= this.inFlightLimit) {
			await new Promise<void>((resolve) => (this.wakeInFlightWaiter = resolve));
			this.wakeInFlightWaiter = undefined;
		}
		const rate = this.currentRate;
		if (!(rate > 0) || !Number.isFinite(rate)) {
			// No rate limit; a Retry-After pause still holds.
			const pauseLeft = this.nextSlotAt - performance.now();
			if (pauseLeft >= 1) await sleep(pauseLeft);
			return;
		}
		const interval = 1000 / rate;
		const burst = Math.max(1, rate * BURST_SECONDS);
		const now = performance.now();
		const slot = Math.max(this.nextSlotAt, now - (burst - 1) * interval);
		this.nextSlotAt = slot + interval;
		if (slot - now >= 1) await sleep(slot - now);
	}

	/** @internal RunLimiter's. */
	recordSuccess(): void {
		const now = performance.now();
		this.lastSuccessAt = now;
		const { ceiling, adaptive } = this.runSettings();
		const rate = Math.min(ceiling, this.learnedRate);
		if (!adaptive || !Number.isFinite(rate)) return;
		if (
			this.heldRate !== undefined &&
			rate >= this.heldRate &&
			now - this.lastRateLimitedAt >= HELD_MS
		) {
			// Back at the held rate for a second without a 429: the return worked (the 429s were a burst).
			this.heldAfterMs = HELD_MS;
			this.returnStartedAt = undefined;
		}
		// One success at rate r is 1/r seconds of progress.
		const held = this.heldRate;
		const returning = held !== undefined && rate < held;
		if (returning) this.returnStartedAt ??= now;
		const climbed = returning
			? Math.min(held, rate * RETURN_FACTOR_PER_SECOND ** (1 / rate))
			: rate + INCREASE_PER_SECOND / rate;
		this.learnedRate = climbed >= ceiling ? Number.POSITIVE_INFINITY : climbed;
	}

	/**
	 * A 429 for a request let through at `sentAt`. Requests sent before the rate was last lowered, or within a second
	 * of it, report the same excess, so they do not lower it again. `retryAfterMs` (Stripe's Retry-After header)
	 * pauses the whole account.
	 */
	recordRateLimited(sentAt: number, retryAfterMs?: number): void {
		const now = performance.now();
		const quietBefore = now - this.lastRateLimitedAt;
		this.lastRateLimitedAt = now;
		if (retryAfterMs !== undefined && retryAfterMs > 0)
			this.nextSlotAt = Math.max(this.nextSlotAt, now + retryAfterMs);
		const { ceiling, adaptive } = this.runSettings();
		const rate = Math.min(ceiling, this.learnedRate);
		if (!adaptive || !Number.isFinite(rate)) return;
		// Refused for a request sent during a quick return, or before the held rate held a second again: the account's
		// limit is lower now (shared). That is known at once, so the rate goes down at once, not a second later.
		const refusedOnReturn = this.returnStartedAt !== undefined && sentAt >= this.returnStartedAt;
		if (
			!refusedOnReturn &&
			(sentAt <= this.lastDecreaseAt || now - this.lastDecreaseAt < DECREASE_INTERVAL_MS)
		)
			return;
		if (refusedOnReturn) {
			this.heldRate = undefined;
			this.heldAfterMs = HELD_WHILE_SHARED_MS;
		} else if (quietBefore >= this.heldAfterMs) {
			// The rate held until this burst: return to it once the burst is over.
			this.heldRate = rate;
		}
		this.returnStartedAt = undefined;
		this.learnedRate = Math.max(MIN_RATE, rate * DECREASE_FACTOR);
		this.lastDecreaseAt = now;
		// Requests already waiting for a slot at the old spacing are spaced at the new one.
		this.nextSlotAt = Math.max(this.nextSlotAt, now + 1000 / this.learnedRate);
	}
}

/** One run's view of its account's limiter: its turns count for the run, and its settings hold while it is active. */
export class RunLimiter {
	constructor(
		private readonly account: AccountRateLimiter,
		private readonly run: RunEntry,
	) {}

	/** Resolves when one more request of this run may be sent (the permit must be released once it is answered). */
	async acquire(signal?: AbortSignal): Promise<RequestPermit> {
		return await this.account.acquire(this.run, signal);
	}

	recordSuccess(): void {
		this.run.lastActiveAt = performance.now();
		this.account.recordSuccess();
	}

	/** A 429 for a request let through at `sentAt` (its permit's). */
	recordRateLimited(sentAt: number, retryAfterMs?: number): void {
		this.run.lastActiveAt = performance.now();
		this.account.recordRateLimited(sentAt, retryAfterMs);
	}

	msSinceLastSuccess(): number {
		return this.account.msSinceLastSuccess();
	}
}

const limitersByAccount = new Map<string, AccountRateLimiter>();

/** A run's place at the limiter of one Stripe account (base URL, key and connected account), one per running n8n. */
export function accountRateLimiter(accountKey: string, settings: LimiterSettings): RunLimiter {
	let limiter = limitersByAccount.get(accountKey);
	if (!limiter) {
		limiter = new AccountRateLimiter();
		limitersByAccount.set(accountKey, limiter);
	}
	return limiter.join(settings);
}

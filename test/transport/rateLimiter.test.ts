import {
	AccountRateLimiter,
	type LimiterSettings,
	type RequestPermit,
	type RunLimiter,
} from '../../nodes/StripeCustomer/transport/rateLimiter';

// The limiter's rules, on n8n's clock faked by jest: lower at once on a 429, once per excess; climb straight back to a
// rate that held before a burst, slowly above it or when the account's limit is lower; the lowest limit among the
// runs sharing an account holds; as many requests in flight as the rate needs at the observed latency.

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const adaptive = (requestsPerSecond = 25): LimiterSettings => ({
	requestsPerSecond,
	adaptive: true,
});

/** An account limiter with one run of the given settings, and that run's view of it. */
function limiterWithRun(settings: LimiterSettings = adaptive()) {
	const account = new AccountRateLimiter();
	return { account, run: account.join(settings) };
}

/** `count` successes, as a run of requests answered one after another would report them. */
function succeed(run: RunLimiter, count: number) {
	for (let success = 0; success < count; success++) run.recordSuccess();
}

/** A 429 after a long quiet spell at the run's rate: a burst, with that rate as the one that held. */
function burstAfterQuietSpell(run: RunLimiter) {
	jest.advanceTimersByTime(5000);
	run.recordRateLimited(0);
}

test('a 429 lowers the rate to 70 %; 429s of requests sent before that, or within the same second, do not lower it again', () => {
	const { account, run } = limiterWithRun();
	const sentBefore = performance.now();
	jest.advanceTimersByTime(10);
	run.recordRateLimited(sentBefore);
	expect(account.currentRate).toBeCloseTo(17.5);

	run.recordRateLimited(sentBefore);
	jest.advanceTimersByTime(500);
	run.recordRateLimited(performance.now());
	expect(account.currentRate).toBeCloseTo(17.5);

	jest.advanceTimersByTime(600);
	run.recordRateLimited(performance.now());
	expect(account.currentRate).toBeCloseTo(12.25);
});

test('after a burst of 429s, a rate that had held for a second comes back within a second of successes', () => {
	const { account, run } = limiterWithRun(adaptive(25));
	burstAfterQuietSpell(run);
	expect(account.currentRate).toBeCloseTo(17.5);
	// Doubling per second of successes: 17.5 → 25 takes about half a second, about 11 successes.
	succeed(run, 15);
	expect(account.currentRate).toBe(25);
});

test('a longer burst (429s for a second and more, no success between) is still returned from quickly', () => {
	const { account, run } = limiterWithRun(adaptive(25));
	burstAfterQuietSpell(run);
	for (let tick = 0; tick < 12; tick++) {
		jest.advanceTimersByTime(100);
		run.recordRateLimited(performance.now());
	}
	expect(account.currentRate).toBeCloseTo(12.25);
	succeed(run, 30);
	expect(account.currentRate).toBe(25);
});

test('refused again as soon as it is back, the limiter lowers the rate at once, takes the limit as lower and climbs one request per second each second', () => {
	const { account, run } = limiterWithRun(adaptive(25));
	burstAfterQuietSpell(run);
	succeed(run, 15);
	expect(account.currentRate).toBe(25);
	// A 429 for a request sent once the return had begun: another worker shares the account.
	jest.advanceTimersByTime(200);
	run.recordRateLimited(performance.now());
	expect(account.currentRate).toBeCloseTo(17.5);
	// One second of successes at 17.5 per second adds about one request per second, no more.
	succeed(run, 18);
	expect(account.currentRate).toBeGreaterThan(18.4);
	expect(account.currentRate).toBeLessThan(18.6);
});

test('while the limit looks shared, a rate must hold for 10 s before the limiter returns to it quickly again', () => {
	const { account, run } = limiterWithRun(adaptive(25));
	burstAfterQuietSpell(run);
	succeed(run, 15);
	jest.advanceTimersByTime(200);
	run.recordRateLimited(performance.now());
	// Refused again at once after the return: shared. 2 s later, another 429: no quick return from it.
	jest.advanceTimersByTime(2000);
	run.recordRateLimited(performance.now());
	const afterTwoSeconds = account.currentRate;
	succeed(run, 15);
	expect(account.currentRate).toBeLessThan(afterTwoSeconds + 1.5);
	// 10 s without a 429: that rate held, and the next burst is returned from quickly.
	jest.advanceTimersByTime(10_000);
	const held = account.currentRate;
	run.recordRateLimited(performance.now());
	succeed(run, 15);
	expect(account.currentRate).toBeCloseTo(held);
});

test('above the rate that held, successes add about one request per second per second, never past the ceiling', () => {
	const { account, run } = limiterWithRun(adaptive(25));
	burstAfterQuietSpell(run);
	// 17.5 held for a second, then a second burst: 17.5 is the rate to return to.
	jest.advanceTimersByTime(1100);
	run.recordRateLimited(performance.now());
	expect(account.currentRate).toBeCloseTo(12.25);
	let successes = 0;
	while (account.currentRate < 17.5 && successes < 1000) {
		run.recordSuccess();
		successes++;
	}
	expect(successes).toBeLessThan(12);
	succeed(run, 18);
	expect(account.currentRate).toBeGreaterThan(18.4);
	expect(account.currentRate).toBeLessThan(18.6);
	succeed(run, 10_000);
	expect(account.currentRate).toBe(25);
});

test('never below one request per second', () => {
	const { account, run } = limiterWithRun(adaptive(25));
	for (let second = 1; second <= 30; second++) {
		jest.advanceTimersByTime(1001);
		run.recordRateLimited(performance.now());
	}
	expect(account.currentRate).toBe(1);
});

test('with adaptation off, 429s leave the configured rate alone', () => {
	const { account, run } = limiterWithRun({ requestsPerSecond: 25, adaptive: false });
	jest.advanceTimersByTime(10);
	run.recordRateLimited(0);
	expect(account.currentRate).toBe(25);
});

test('runs sharing an account: the lowest Requests Per Second holds while it runs; a run that joins with more does not raise it', async () => {
	const account = new AccountRateLimiter();
	const slowRun = account.join(adaptive(5));
	const slowPermit = await slowRun.acquire();
	const defaultRun = account.join(adaptive(25));
	const defaultPermit = defaultRun.acquire();
	await jest.advanceTimersByTimeAsync(200);
	await defaultPermit;
	expect(account.currentRate).toBe(5);
	slowPermit.release(50);
	// Still 5 just after the slow run's last request; 25 once it has been idle for a while.
	jest.advanceTimersByTime(1000);
	expect(account.currentRate).toBe(5);
	jest.advanceTimersByTime(1500);
	expect(account.currentRate).toBe(25);
});

test('in flight: 10 until the first answer, then what the rate needs at the observed latency, with headroom; fewer after a 429', async () => {
	const { account, run } = limiterWithRun(adaptive(25));
	expect(account.inFlightLimit).toBe(10);
	(await run.acquire()).release(600);
	// 25/s × 0.6 s = 15 in flight; × 1.5 headroom, + 1.
	expect(account.inFlightLimit).toBe(24);
	burstAfterQuietSpell(run);
	expect(account.inFlightLimit).toBe(Math.ceil(17.5 * 0.6 * 1.5) + 1);

	const raised = limiterWithRun(adaptive(100));
	(await raised.run.acquire()).release(300);
	expect(raised.account.inFlightLimit).toBe(46);
});

test('a request waits for an in-flight place once the limit is reached, and goes when one is given back', async () => {
	const { account, run } = limiterWithRun({ requestsPerSecond: 0, adaptive: true });
	const permits: RequestPermit[] = [];
	for (let index = 0; index < 10; index++) permits.push(await run.acquire());
	expect(account.inFlightLimit).toBe(10);
	let eleventh: RequestPermit | undefined;
	const waiting = run.acquire().then((permit) => (eleventh = permit));
	await jest.advanceTimersByTimeAsync(1000);
	expect(eleventh).toBeUndefined();
	permits[0].release(Number.NaN);
	await waiting;
	expect(eleventh?.inFlightAtSend).toBe(10);
});

test('requests wait their turn at the current rate, and Retry-After pauses the account', async () => {
	const { run } = limiterWithRun(adaptive(10));
	const grants: number[] = [];
	const start = performance.now();
	const waiting = Array.from({ length: 5 }, async () => {
		const permit = await run.acquire();
		grants.push(permit.sentAt - start);
		permit.release(1);
	});
	await jest.advanceTimersByTimeAsync(1000);
	await Promise.all(waiting);
	// One at once, then one every 100 ms.
	expect(grants.map((grant) => Math.round(grant / 100))).toEqual([0, 1, 2, 3, 4]);

	run.recordRateLimited(performance.now(), 2000);
	const paused = performance.now();
	const next = run.acquire();
	await jest.advanceTimersByTimeAsync(2500);
	expect((await next).sentAt - paused).toBeGreaterThanOrEqual(2000);
});

test("a cancelled run's waiting requests give up their turns: another run's request is not held behind them", async () => {
	const account = new AccountRateLimiter();
	const cancelledRun = account.join(adaptive(1));
	const otherRun = account.join(adaptive(1));
	(await cancelledRun.acquire()).release(1);
	const stop = new AbortController();
	const given = Array.from(
		{ length: 5 },
		async () => await cancelledRun.acquire(stop.signal).catch((error: Error) => error.name),
	);
	const other = otherRun.acquire();
	stop.abort();
	expect(await Promise.all(given)).toEqual(Array(5).fill('AbortError'));
	const started = performance.now();
	await jest.advanceTimersByTimeAsync(1500);
	// At 1 request per second the other run's request is the next one: within a second, not after five.
	expect((await other).sentAt - started).toBeLessThanOrEqual(1000);
});

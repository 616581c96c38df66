import { AccountRateLimiter } from '../nodes/StripeCustomer/transport/rateLimiter';

// The limiter's rules, on n8n's clock faked by jest: lower at once on a 429, once per excess, raise slowly on success.

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const adaptive = (requestsPerSecond = 25) => new AccountRateLimiter({ requestsPerSecond, adaptive: true });

test('a 429 lowers the rate to 70 %; 429s of requests sent before that, or within the same second, do not lower it again', () => {
	const limiter = adaptive();
	const sentBefore = performance.now();
	jest.advanceTimersByTime(10);
	limiter.recordRateLimited(sentBefore);
	expect(limiter.currentRate).toBeCloseTo(17.5);

	limiter.recordRateLimited(sentBefore);
	jest.advanceTimersByTime(500);
	limiter.recordRateLimited(performance.now());
	expect(limiter.currentRate).toBeCloseTo(17.5);

	jest.advanceTimersByTime(600);
	limiter.recordRateLimited(performance.now());
	expect(limiter.currentRate).toBeCloseTo(12.25);
});

test('successes raise the rate by about one request per second per second, never past the ceiling', () => {
	const limiter = adaptive(25);
	jest.advanceTimersByTime(10);
	limiter.recordRateLimited(0);
	const lowered = limiter.currentRate;
	// One second of successes at the lowered rate.
	for (let success = 0; success < Math.round(lowered); success++) limiter.recordSuccess();
	expect(limiter.currentRate).toBeGreaterThan(lowered + 0.9);
	expect(limiter.currentRate).toBeLessThan(lowered + 1.1);
	for (let success = 0; success < 10_000; success++) limiter.recordSuccess();
	expect(limiter.currentRate).toBe(25);
});

test('never below one request per second', () => {
	const limiter = adaptive(25);
	for (let second = 1; second <= 30; second++) {
		jest.advanceTimersByTime(1001);
		limiter.recordRateLimited(performance.now());
	}
	expect(limiter.currentRate).toBe(1);
});

test('with adaptation off, 429s leave the configured rate alone', () => {
	const limiter = new AccountRateLimiter({ requestsPerSecond: 25, adaptive: false });
	jest.advanceTimersByTime(10);
	limiter.recordRateLimited(0);
	expect(limiter.currentRate).toBe(25);
});

test('a later run keeps what the limiter learned; a lower ceiling applies at once', () => {
	const limiter = adaptive(25);
	jest.advanceTimersByTime(10);
	limiter.recordRateLimited(0);
	limiter.configure({ requestsPerSecond: 25, adaptive: true });
	expect(limiter.currentRate).toBeCloseTo(17.5);
	limiter.configure({ requestsPerSecond: 10, adaptive: true });
	expect(limiter.currentRate).toBe(10);
});

test('requests wait their turn at the current rate, and Retry-After pauses the account', async () => {
	const limiter = adaptive(10);
	const grants: number[] = [];
	const start = performance.now();
	const waiting = Array.from({ length: 5 }, async () => grants.push((await limiter.acquire()) - start));
	await jest.advanceTimersByTimeAsync(1000);
	await Promise.all(waiting);
	// One at once, then one every 100 ms.
	expect(grants.map((grant) => Math.round(grant / 100))).toEqual([0, 1, 2, 3, 4]);

	limiter.recordRateLimited(performance.now(), 2000);
	const paused = performance.now();
	const next = limiter.acquire();
	await jest.advanceTimersByTimeAsync(2500);
	expect((await next) - paused).toBeGreaterThanOrEqual(2000);
});

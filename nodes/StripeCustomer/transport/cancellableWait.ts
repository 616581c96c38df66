import { sleep } from 'n8n-workflow';

// Waits that the execution's cancel signal ends at once (Stop in the editor, n8n's timeout, a shutdown).

/** The name of the error a cancelled wait throws (as an aborted fetch's). */
const CANCELLED = 'AbortError';

/** The longest single sleep of a wait: a cancelled wait leaves no timer behind for longer than this. */
const WAIT_STEP_MS = 1000;

/** Waits `ms`, or less: a cancelled execution ends the wait at once (and the wait throws). */
export async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
	if (!signal) return await sleep(ms);
	const end = performance.now() + ms;
	let onAbort = () => {};
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(cancelledError());
		signal.addEventListener('abort', onAbort, { once: true });
	});
	aborted.catch(() => {});
	try {
		for (let left = ms; left > 0; left = end - performance.now()) {
			if (signal.aborted) throw cancelledError();
			await Promise.race([sleep(Math.min(left, WAIT_STEP_MS)), aborted]);
		}
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
	if (signal.aborted) throw cancelledError();
}

function cancelledError(): Error {
	const error = new Error('The execution was cancelled');
	error.name = CANCELLED;
	return error;
}

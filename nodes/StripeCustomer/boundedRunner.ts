/**
 * Runs `task` for every index in 0..count-1 with at most `concurrency` in flight, and resolves once all have settled.
 * `shouldStop` is checked before each new start, so a fatal failure stops new work while what is in flight finishes.
 */
export async function runBounded(
	count: number,
	concurrency: number,
	task: (index: number) => Promise<void>,
	shouldStop: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count && !shouldStop()) {
			const index = next++;
			await task(index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker);
	await Promise.all(workers);
}

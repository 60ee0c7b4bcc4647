/**
 * Requests that can wait (the navigation's badge counts) go after the page's
 * own content. A page that is loading something the user waits for holds
 * them until it is in; a hold never outlasts `longestHoldMs`, so a board that
 * cannot sync does not cost the badge for good.
 */
const longestHoldMs = 15_000;

let holds = 0;
let waiting: Array<() => void> = [];

function releaseOne(): void {
	holds--;
	if (holds > 0) return;
	const resume = waiting;
	waiting = [];
	for (const run of resume) run();
}

/** Holds background work until the returned function is called (once; later calls do nothing). */
export function holdBackgroundWork(): () => void {
	holds++;
	let released = false;
	const release = () => {
		if (released) return;
		released = true;
		clearTimeout(timer);
		releaseOne();
	};
	const timer = setTimeout(release, longestHoldMs);
	return release;
}

/** Resolves when no page holds background work. */
export async function whenBackgroundAllowed(): Promise<void> {
	// A page rendered in the same pass as the caller takes its hold first.
	await new Promise((resolve) => setTimeout(resolve, 0));
	if (holds === 0) return;
	return new Promise((resolve) => waiting.push(resolve));
}

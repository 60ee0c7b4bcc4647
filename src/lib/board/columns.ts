/**
 * The board's columns as laid out in its sideways scroller: which one is
 * current and how to bring one to the front. On a phone the scroller snaps
 * one column at a time; the current column is the one snapped to its start.
 */

export function columnsOf(scroller: HTMLElement): HTMLElement[] {
	return [...scroller.querySelectorAll<HTMLElement>('[data-drop-stage]')];
}

/** Where a column's left edge sits when it is snapped: the scroller's scroll-padding. */
function snapInset(scroller: HTMLElement): number {
	const padding = parseFloat(getComputedStyle(scroller).scrollPaddingLeft);
	return Number.isFinite(padding) ? padding : 0;
}

function leftOf(scroller: HTMLElement, column: HTMLElement): number {
	return column.getBoundingClientRect().left - scroller.getBoundingClientRect().left + scroller.scrollLeft;
}

/** The column whose left edge is nearest the snap line: the one the user is looking at. */
export function currentColumn(scroller: HTMLElement): HTMLElement | undefined {
	const line = scroller.scrollLeft + snapInset(scroller);
	let best: HTMLElement | undefined;
	let bestDistance = Infinity;
	for (const column of columnsOf(scroller)) {
		const distance = Math.abs(leftOf(scroller, column) - line);
		if (distance < bestDistance) {
			best = column;
			bestDistance = distance;
		}
	}
	return best;
}

function prefersReducedMotion(): boolean {
	return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** Scrolls the board so the column starts at the snap line. */
export function scrollToColumn(scroller: HTMLElement, column: HTMLElement, smooth = true): void {
	const left = Math.max(0, leftOf(scroller, column) - snapInset(scroller));
	scroller.scrollTo({ left, behavior: smooth && !prefersReducedMotion() ? 'smooth' : 'instant' });
}

/** Turns the board one column left (-1) or right (1) of the current one. */
export function turnColumn(scroller: HTMLElement, step: -1 | 1): void {
	const columns = columnsOf(scroller);
	const current = currentColumn(scroller);
	const next = columns[(current ? columns.indexOf(current) : 0) + step];
	if (next) scrollToColumn(scroller, next);
}

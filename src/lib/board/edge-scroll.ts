/**
 * Scrolling under a dragged card near the edges of the board and of a
 * column. On a wide screen the board glides, faster the nearer the edge;
 * on a phone, where one column fills the screen, it turns one column at a
 * time after a pause, so a finger can stop at the column it wants.
 */
import { turnColumn } from './columns';

/** Width of the band along an edge where scrolling starts, in px. */
const band = 56;
/** Fastest glide, in px per frame, at the very edge. */
const maxSpeed = 18;
/** The phone's band is narrower: the next column's peek is about this wide. */
const pagedBand = 40;

/** Glide speed for a pointer `distance` px inside the band (0 and less: at or past the edge). */
export function glideSpeed(distance: number): number {
	return Math.ceil(((band - Math.max(0, distance)) / band) * maxSpeed);
}

/**
 * Decides when a finger held at a side turns a column: first after
 * `dwellMs` in the band, then every `repeatMs` while it stays there.
 * Leaving the band, or moving to the other side, starts over.
 */
export class ColumnPager {
	private side: -1 | 0 | 1 = 0;
	private dueAt = Infinity;

	constructor(
		private readonly dwellMs = 450,
		private readonly repeatMs = 900
	) {}

	/** The side the pointer is at now (-1 left, 1 right, 0 neither) and the time; answers the turn to make, if any. */
	step(side: -1 | 0 | 1, now: number): -1 | 0 | 1 {
		if (side !== this.side) {
			this.side = side;
			this.dueAt = side === 0 ? Infinity : now + this.dwellMs;
			return 0;
		}
		if (side === 0 || now < this.dueAt) return 0;
		this.dueAt = now + this.repeatMs;
		return side;
	}
}

export interface EdgeScrollFrame {
	/** The board's sideways scroller. */
	board: HTMLElement | undefined;
	/** The card list of the column under the pointer. */
	list: HTMLElement | null | undefined;
	x: number;
	y: number;
	/** Set on a phone: turn whole columns instead of gliding. */
	pager: ColumnPager | null;
	now: number;
}

/** One animation frame of edge scrolling. */
export function scrollNearEdges({ board, list, x, y, pager, now }: EdgeScrollFrame): void {
	if (board) {
		const rect = board.getBoundingClientRect();
		if (pager) {
			const side = x < rect.left + pagedBand ? -1 : x > rect.right - pagedBand ? 1 : 0;
			const turn = pager.step(side, now);
			if (turn !== 0) turnColumn(board, turn);
		} else if (x < rect.left + band) board.scrollLeft -= glideSpeed(x - rect.left);
		else if (x > rect.right - band) board.scrollLeft += glideSpeed(rect.right - x);
	}
	if (list) {
		const rect = list.getBoundingClientRect();
		if (y < rect.top + band && y > rect.top - band) list.scrollTop -= glideSpeed(y - rect.top);
		else if (y > rect.bottom - band && y < rect.bottom + band) list.scrollTop += glideSpeed(rect.bottom - y);
	}
}

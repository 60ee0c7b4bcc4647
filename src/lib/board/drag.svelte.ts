import type { Deal } from '$lib/model';

/** Height of one card plus the gap under it: columns window cards at this fixed pitch. */
export const cardPitch = 112;
export const cardHeight = 104;

export interface DropTarget {
	stageId: string;
	/** Position among the column's visible cards, not counting the held card. */
	index: number;
}

/** The card being moved, by pointer or keyboard, and where it would land. */
export class BoardDrag {
	dealId = $state<string | null>(null);
	mode = $state<'pointer' | 'keyboard' | null>(null);
	target = $state<DropTarget | null>(null);
	/** Pointer position and where on the card it was grabbed, for the floating card. */
	x = $state(0);
	y = $state(0);
	grabX = 0;
	grabY = 0;
	width = $state(260);

	get active(): boolean {
		return this.dealId !== null;
	}

	begin(dealId: string, mode: 'pointer' | 'keyboard', target: DropTarget): void {
		this.dealId = dealId;
		this.mode = mode;
		this.target = target;
	}

	end(): void {
		this.dealId = null;
		this.mode = null;
		this.target = null;
	}
}

/** The column's cards without the held one: what a drop index counts. */
export function withoutHeld(deals: Deal[], heldId: string | null): Deal[] {
	if (!heldId) return deals;
	const index = deals.findIndex((deal) => deal.id === heldId);
	return index === -1 ? deals : deals.toSpliced(index, 1);
}

export interface PointerDragCallbacks {
	begin(x: number, y: number): void;
	move(x: number, y: number): void;
	end(commit: boolean): void;
}

/** A finger holds this long, moving no more than touchSlop px, to lift a card; moving sooner is a swipe. */
export const longPressMs = 400;
export const touchSlop = 8;
const mouseSlop = 5;

/**
 * Follows one pointer from a pointerdown on a card. A mouse drags once it
 * moves a few pixels; a finger or pen must hold still for a moment first,
 * so that swiping still scrolls the board and the columns.
 */
export function followPointer(down: PointerEvent, callbacks: PointerDragCallbacks): void {
	if (down.button !== 0) return;
	const touch = down.pointerType !== 'mouse';
	const startX = down.clientX;
	const startY = down.clientY;
	let started = false;
	let finished = false;

	const begin = (x: number, y: number) => {
		started = true;
		callbacks.begin(x, y);
	};
	const timer = touch
		? setTimeout(() => {
				navigator.vibrate?.(15);
				begin(startX, startY);
			}, longPressMs)
		: undefined;

	const onMove = (event: PointerEvent) => {
		if (event.pointerId !== down.pointerId) return;
		if (started) {
			callbacks.move(event.clientX, event.clientY);
			return;
		}
		const distance = Math.hypot(event.clientX - startX, event.clientY - startY);
		if (touch && distance > touchSlop) finish(false);
		else if (!touch && distance > mouseSlop) {
			begin(startX, startY);
			callbacks.move(event.clientX, event.clientY);
		}
	};
	const onUp = (event: PointerEvent) => event.pointerId === down.pointerId && finish(true);
	const onCancel = (event: PointerEvent) => event.pointerId === down.pointerId && finish(false);
	const onKey = (event: KeyboardEvent) => {
		if (event.key !== 'Escape') return;
		event.preventDefault();
		finish(false);
	};
	// Once a finger drag has started, the page must not scroll under it.
	const onTouchMove = (event: TouchEvent) => started && event.preventDefault();
	// A click right after a drag would open the card; swallow it.
	const onClick = (event: MouseEvent) => {
		event.stopPropagation();
		event.preventDefault();
	};

	function finish(commit: boolean) {
		if (finished) return;
		finished = true;
		clearTimeout(timer);
		window.removeEventListener('pointermove', onMove);
		window.removeEventListener('pointerup', onUp);
		window.removeEventListener('pointercancel', onCancel);
		window.removeEventListener('keydown', onKey, true);
		window.removeEventListener('touchmove', onTouchMove);
		if (!started) return;
		window.addEventListener('click', onClick, { capture: true, once: true });
		setTimeout(() => window.removeEventListener('click', onClick, { capture: true }), 0);
		callbacks.end(commit);
	}

	window.addEventListener('pointermove', onMove);
	window.addEventListener('pointerup', onUp);
	window.addEventListener('pointercancel', onCancel);
	window.addEventListener('keydown', onKey, true);
	window.addEventListener('touchmove', onTouchMove, { passive: false });
}

/** The stage whose column is being dragged by its header, and where it would land. */
export class StageDrag {
	stageId = $state<string | null>(null);
	/** Position among the other open stages, 0 for first. */
	index = $state(0);
	x = $state(0);
	y = $state(0);
	grabX = 0;
	grabY = 0;
	width = $state(272);

	get active(): boolean {
		return this.stageId !== null;
	}

	begin(stageId: string, index: number): void {
		this.stageId = stageId;
		this.index = index;
	}

	end(): void {
		this.stageId = null;
	}
}

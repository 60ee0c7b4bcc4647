import { getContext, setContext } from 'svelte';
import type { BoardConnection } from './board-connection.svelte';
import type { BoardStore } from './board-store.svelte';
import type { BoardDrag, StageDrag } from './drag.svelte';
import type { Deal, Task } from '$lib/model';
import type { PartyNameCache } from '$lib/parties/party-names.svelte';
import type { CustomField } from '$lib/fields/fields-api';

/** What every part of one open board shares. */
export interface BoardContext {
	store: BoardStore;
	connection: BoardConnection;
	drag: BoardDrag;
	stageDrag: StageDrag;
	meId: string;
	workspaceId: string;
	/** The names of the contacts and companies on the cards. */
	parties: PartyNameCache;
	/** The deal page a card opens. */
	dealHref: (dealId: string) => string;
	/** A pointerdown on a column header: managers drag the stage to a new place. */
	startStageDrag: (event: PointerEvent, stageId: string) => void;
	/** Moves a stage one place left or right among the open stages (keyboard). */
	stepStage: (stageId: string, step: -1 | 1) => void;
	canWrite: () => boolean;
	canEditStages: () => boolean;
	ownerName: (userId: string) => string;
	/** A member's name, or undefined for someone who left (a custom "team member" value). */
	memberName: (userId: string) => string | undefined;
	/** Marks a task of the deal done; the last open one asks what happens next first. */
	completeTask: (task: Task, deal: Deal) => void;
	/** Opens the dialog with every task of the deal. */
	showTasks: (dealId: string) => void;
	/** Opens the "Move to stage" sheet for the deal. */
	showMoveTo: (dealId: string) => void;
	/** Minute-precision "now" for overdue and rotting marks. */
	now: () => number;
	/** The workspace's custom deal fields (the pinned ones show on the cards). */
	dealFields: () => CustomField[];
}

const key = Symbol('board');

export function setBoardContext(context: BoardContext): void {
	setContext(key, context);
}

export function boardContext(): BoardContext {
	return getContext<BoardContext>(key);
}

/**
 * The board document, schema version 1 (see docs/BOARD-DOCUMENT.md).
 * One Y.Doc per pipeline with four top-level maps; every entity is a nested
 * Y.Map so that concurrent edits of different fields merge field by field.
 */
export const boardSchemaVersion = 1;

export const pipelineModes = ['strict', 'free', 'list'] as const;
export type PipelineMode = (typeof pipelineModes)[number];

export const stageKinds = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof stageKinds)[number];

export const dealStatuses = ['open', 'won', 'lost'] as const;
export type DealStatus = (typeof dealStatuses)[number];

export const dealSources = ['form', 'phone', 'email', 'import', 'manual'] as const;
export type DealSource = (typeof dealSources)[number];

export const taskTypes = ['call', 'meeting', 'email', 'todo'] as const;
export type TaskType = (typeof taskTypes)[number];

export interface BoardMeta {
	schema: number;
	pipelineId: string;
	workspaceId: string;
	name: string;
	mode: PipelineMode;
}

/** Deal fields a strict pipeline's stage may require before a deal enters it. */
export const requirableFields = ['value', 'contact', 'company'] as const;
export type RequirableField = (typeof requirableFields)[number];
/** A stage's requirement: a built-in field, or a custom deal field as `field:<id>` (see fields.ts). */
export type StageRequirement = RequirableField | `field:${string}`;

export interface Stage {
	id: string;
	name: string;
	rank: string;
	kind: StageKind;
	/** Win probability in percent, 0 to 100. */
	probability: number;
	rotDays?: number;
	color?: string;
	/** In a strict pipeline: what a deal must have before it enters this stage. */
	required?: StageRequirement[];
}

export interface Deal {
	id: string;
	title: string;
	/** Money in minor units (cents, kopecks) as an integer. */
	valueMinor: number;
	/** ISO 4217 code, e.g. EUR. */
	currency: string;
	stageId: string;
	rank: string;
	ownerId: string;
	contactId?: string;
	companyId?: string;
	source: DealSource;
	status: DealStatus;
	lostReason?: string;
	/** Free text beside the lost reason, e.g. "frozen until Q3". */
	lostNote?: string;
	/** When the owner expects to close it, a calendar day (YYYY-MM-DD): the forecast's month. */
	expectedCloseDate?: string;
	createdAt: string;
	updatedAt: string;
	closedAt?: string;
	/**
	 * Custom field values by field id. On the board each is its own key
	 * `f:<fieldId>` of the deal's map; readDeal gathers them here.
	 */
	fields?: Record<string, unknown>;
}

export interface Task {
	id: string;
	dealId: string;
	type: TaskType;
	title: string;
	dueAt: string;
	assigneeId: string;
	done: boolean;
	doneAt?: string;
	auto?: boolean;
}

/** Limits every writer is held to; the server refuses updates beyond them. */
export const limits = {
	titleLength: 200,
	nameLength: 100,
	idLength: 64,
	rankLength: 64,
	lostReasonLength: 500,
	maxValueMinor: Number.MAX_SAFE_INTEGER
} as const;

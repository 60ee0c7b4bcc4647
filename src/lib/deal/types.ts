import type { InferResponseType } from 'hono/client';
import type { api } from '$lib/api/client';
import { m } from '$lib/i18n';

type DealApi = (typeof api.api.deals)[':dealId'];
type WorkspaceApi = (typeof api.api.workspaces)[':workspaceId'];

export type DealPage = InferResponseType<DealApi['$get'], 200>;
export type Deal = DealPage['deal'];
export type DealTask = DealPage['tasks'][number];
export type StageEvent = DealPage['stageHistory'][number];
export type Interaction = DealPage['interactions'][number];
/** A moment of the deal's life besides moves: handed over, value or close date changed, won, lost, reopened, trashed. */
export type DealEvent = DealPage['history'][number];
export type InteractionKind = Interaction['kind'];
export type TaskType = DealTask['type'];
export type MyTasks = InferResponseType<WorkspaceApi['my-tasks']['$get'], 200>;
export type MyTask = MyTasks['tasks'][number];
export type LostReason = InferResponseType<WorkspaceApi['lost-reasons']['$get'], 200>['reasons'][number];

/** What the user chose when completing a deal's last open task. */
export type NextStep =
	| { kind: 'next'; taskId: string; dealId: string; next: NewTask }
	| { kind: 'close'; taskId: string; dealId: string; outcome: 'won' | 'lost'; reason?: string; note?: string };

/** What a new task needs: the body of "add a task", "next" and "reopen". */
export interface NewTask {
	type: TaskType;
	title: string;
	dueAt: string;
	assigneeId?: string;
}

export const taskTypes: readonly TaskType[] = ['call', 'meeting', 'email', 'todo'];

/** A task type as people read it, in the page's language; one this version does not know shows as sent. */
export function taskTypeLabel(type: TaskType | (string & {})): string {
	switch (type) {
		case 'call':
			return m.deal_task_type_call();
		case 'meeting':
			return m.deal_task_type_meeting();
		case 'email':
			return m.deal_task_type_email();
		case 'todo':
			return m.deal_task_type_todo();
		default:
			return type;
	}
}

export const interactionKinds: readonly InteractionKind[] = ['call', 'meeting', 'email', 'note'];

export function interactionLabel(kind: InteractionKind): string {
	return kind === 'note' ? m.deal_interaction_note() : taskTypeLabel(kind);
}

export function statusLabel(status: Deal['status'] | (string & {})): string {
	switch (status) {
		case 'open':
			return m.deal_status_open();
		case 'won':
			return m.deal_status_won();
		case 'lost':
			return m.deal_status_lost();
		default:
			return status;
	}
}

/** Where a deal came from; a source this version does not know shows as the server sent it. */
export function sourceLabel(source: string): string {
	switch (source) {
		case 'form':
			return m.deal_source_form();
		case 'phone':
			return m.deal_source_phone();
		case 'email':
			return m.deal_source_email();
		case 'import':
			return m.deal_source_import();
		case 'manual':
			return m.deal_source_manual();
		default:
			return source;
	}
}

/** A person in a list of people, the user marked as themself. */
export function memberLabel(person: { userId: string; name: string }, meId: string | undefined): string {
	return person.userId === meId ? m.deal_member_you({ name: person.name }) : person.name;
}

/** What the "What happens next?" dialog did. */
export interface CompletedStep {
	task: DealTask;
	/** The task scheduled next, when the user chose one. */
	next: DealTask | null;
	/** The closed deal, when the user closed it instead. */
	deal: Deal | null;
}

/** What closing the deal writes: the outcome, the lost reason and note, and the tasks to complete with it. */
export interface DealClosing {
	dealId: string;
	outcome: 'won' | 'lost';
	reason?: string;
	note?: string;
	completeTaskIds: string[];
}

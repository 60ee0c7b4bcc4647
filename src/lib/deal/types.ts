import type { InferResponseType } from 'hono/client';
import type { api } from '$lib/api/client';

type DealApi = (typeof api.api.deals)[':dealId'];
type WorkspaceApi = (typeof api.api.workspaces)[':workspaceId'];

export type DealPage = InferResponseType<DealApi['$get'], 200>;
export type Deal = DealPage['deal'];
export type DealTask = DealPage['tasks'][number];
export type StageEvent = DealPage['stageHistory'][number];
export type Interaction = DealPage['interactions'][number];
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

export const taskTypeLabels: Record<TaskType, string> = {
	call: 'Call',
	meeting: 'Meeting',
	email: 'Email',
	todo: 'To-do'
};

export const interactionKinds: readonly InteractionKind[] = ['call', 'meeting', 'email', 'note'];

export const interactionLabels: Record<InteractionKind, string> = {
	call: 'Call',
	meeting: 'Meeting',
	email: 'Email',
	note: 'Note'
};

export const statusLabels: Record<Deal['status'], string> = { open: 'Open', won: 'Won', lost: 'Lost' };

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

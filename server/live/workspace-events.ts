import type { Fanout } from '../sync/fanout.js';
import type { WorkspaceEvent } from './workspace-event.js';

/** One open event stream of a workspace on this node. */
export interface EventListener {
	send(event: WorkspaceEvent): void;
}

export interface WorkspaceEventsOptions {
	/** Other nodes (REDIS_URL): events are published to them, and theirs delivered here. */
	fanout?: Fanout;
	now: () => Date;
	/** The soonest due time after `after` of an open task in the workspace, if any. */
	nextDueAt: (workspaceId: string, after: Date) => Promise<Date | null>;
	/** The longest a due timer sleeps before it looks again (a task added elsewhere meanwhile is found then at the latest). */
	maxDueWaitMs?: number;
}

/** A due task counts as overdue strictly after its time: wake a moment later. */
const dueGraceMs = 1000;
/** How long projection events gather before the next due task is looked up again. */
const replanAfterMs = 1000;

/**
 * The workspace-level live channel: each node keeps the event streams its
 * clients opened, per workspace, and passes them what happened. A board's
 * projection commits on the node that wrote it, so those events go through
 * Redis to every node; due times need no write, so each node with listeners
 * keeps its own timer for the workspace's next due task.
 */
export class WorkspaceEvents {
	private readonly listeners = new Map<string, Set<EventListener>>();
	private readonly dueTimers = new Map<string, NodeJS.Timeout>();
	/** Projection events gathered before the next due task is looked up again (a busy board projects several times a second). */
	private readonly replans = new Map<string, NodeJS.Timeout>();
	private closed = false;

	constructor(private readonly options: WorkspaceEventsOptions) {
		options.fanout?.onMessage((message) => {
			if (message.kind === 'workspace-event') this.deliverHere(message.workspaceId, message.event);
		});
	}

	/** How many streams are open on this node (tests, health). */
	get size(): number {
		let count = 0;
		for (const set of this.listeners.values()) count += set.size;
		return count;
	}

	/** Starts passing a workspace's events to a listener; returns the function that stops it. */
	subscribe(workspaceId: string, listener: EventListener): () => void {
		let set = this.listeners.get(workspaceId);
		if (!set) {
			set = new Set();
			this.listeners.set(workspaceId, set);
			this.scheduleDue(workspaceId);
		}
		set.add(listener);
		return () => {
			const current = this.listeners.get(workspaceId);
			if (!current?.delete(listener) || current.size > 0) return;
			this.listeners.delete(workspaceId);
			this.clearDue(workspaceId);
		};
	}

	/** Tells every stream of the workspace, on every node. */
	publish(workspaceId: string, event: WorkspaceEvent): void {
		this.options.fanout?.publish({ kind: 'workspace-event', workspaceId, event });
		this.deliverHere(workspaceId, event);
	}

	close(): void {
		this.closed = true;
		for (const timer of [...this.dueTimers.values(), ...this.replans.values()]) clearTimeout(timer);
		this.dueTimers.clear();
		this.replans.clear();
		this.listeners.clear();
	}

	private deliverHere(workspaceId: string, event: WorkspaceEvent): void {
		const set = this.listeners.get(workspaceId);
		if (!set) return;
		for (const listener of set) listener.send(event);
		// A task added, moved or completed may change which one falls due next.
		if (event.type === 'projection' && !this.replans.has(workspaceId)) {
			const replan = setTimeout(() => {
				this.replans.delete(workspaceId);
				if (this.listeners.has(workspaceId)) this.scheduleDue(workspaceId);
			}, replanAfterMs);
			replan.unref?.();
			this.replans.set(workspaceId, replan);
		}
	}

	private clearDue(workspaceId: string): void {
		const timer = this.dueTimers.get(workspaceId);
		if (timer) clearTimeout(timer);
		this.dueTimers.delete(workspaceId);
	}

	private scheduleDue(workspaceId: string): void {
		this.clearDue(workspaceId);
		const now = this.options.now();
		// A placeholder until the query answers, so a second projection event does not race it.
		const pending = setTimeout(() => undefined, 0);
		this.dueTimers.set(workspaceId, pending);
		this.options.nextDueAt(workspaceId, now).then(
			(dueAt) => {
				if (this.closed || this.dueTimers.get(workspaceId) !== pending || !this.listeners.has(workspaceId)) return;
				const maxWait = this.options.maxDueWaitMs ?? 3_600_000;
				const wait = dueAt ? Math.max(0, dueAt.getTime() - now.getTime()) + dueGraceMs : maxWait;
				const fires = dueAt !== null && wait <= maxWait;
				const timer = setTimeout(
					() => {
						this.dueTimers.delete(workspaceId);
						if (fires) this.deliverDue(workspaceId);
						else if (this.listeners.has(workspaceId)) this.scheduleDue(workspaceId);
					},
					Math.min(wait, maxWait)
				);
				timer.unref?.();
				this.dueTimers.set(workspaceId, timer);
			},
			(error: Error) => {
				if (this.dueTimers.get(workspaceId) === pending) this.dueTimers.delete(workspaceId);
				console.error(`workspace ${workspaceId}: could not find the next due task`, error.message);
			}
		);
	}

	/** Due times are this node's own business: every node with listeners keeps its timer. */
	private deliverDue(workspaceId: string): void {
		const set = this.listeners.get(workspaceId);
		if (!set) return;
		for (const listener of set) listener.send({ type: 'due' });
		this.scheduleDue(workspaceId);
	}
}

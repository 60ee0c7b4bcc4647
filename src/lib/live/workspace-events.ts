/**
 * The workspace's live channel in the browser: one EventSource on
 * /api/workspaces/:id/events (see server/live/). Events only say that
 * something changed; whoever listens re-reads what it shows through the API.
 * The browser reconnects by itself after a network failure; an answer other
 * than 200 (access ended, logged out) ends the channel for good.
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveEvent {
	type: string;
	pipelineId?: string;
}

/** The event kinds the server sends today; a listener ignores the rest. */
const kinds = ['ready', 'projection', 'due', 'notification'] as const;
export type LiveEventKind = (typeof kinds)[number];
/** What boards and lists follow; the notification bell asks for `notification` (it is the addressee's alone). */
const dataKinds: LiveEventKind[] = ['ready', 'projection', 'due'];

export function openWorkspaceEvents(
	workspaceId: string,
	onevent: (event: LiveEvent) => void,
	onstatus: (status: LiveStatus) => void = () => {},
	listenTo: LiveEventKind[] = dataKinds
): () => void {
	const source = new EventSource(`/api/workspaces/${encodeURIComponent(workspaceId)}/events`);
	onstatus('connecting');
	for (const kind of listenTo) {
		source.addEventListener(kind, (message) => {
			if (kind === 'ready') onstatus('live');
			let event: LiveEvent = { type: kind };
			try {
				event = { ...(JSON.parse((message as MessageEvent<string>).data) as LiveEvent), type: kind };
			} catch {
				// A malformed payload still says "something changed".
			}
			onevent(event);
		});
	}
	source.onerror = () => onstatus(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
	return () => {
		source.close();
		onstatus('closed');
	};
}

/**
 * Runs `task` on demand, at most once per `gapMs` and never twice at once:
 * a burst of events becomes one call now and one after the burst.
 */
export function throttled(task: () => Promise<void>, gapMs: number): { run: () => void; stop: () => void } {
	let running = false;
	let again = false;
	let last = 0;
	let timer: ReturnType<typeof setTimeout> | null = null;
	let stopped = false;
	const start = async () => {
		timer = null;
		if (stopped) return;
		running = true;
		again = false;
		last = Date.now();
		try {
			await task();
		} finally {
			running = false;
			if (again) schedule();
		}
	};
	const schedule = () => {
		if (stopped || timer) return;
		if (running) {
			again = true;
			return;
		}
		timer = setTimeout(() => void start(), Math.max(0, last + gapMs - Date.now()));
	};
	return {
		run: schedule,
		stop: () => {
			stopped = true;
			if (timer) clearTimeout(timer);
		}
	};
}

import type { Fanout } from './fanout.js';
import { closeCodes, type Peer } from './room.js';

/** The credential a live connection was opened with. */
export interface Credential {
	userId: string;
	/** The session's id, when it came with the session cookie. */
	sessionId: string | null;
	/** The API token's id, when it came with a token. */
	apiTokenId: string | null;
}

export interface OpenConnection {
	/** A board's websocket peer, or a workspace's event stream (server/live/): anything that can be closed. */
	peer: Pick<Peer, 'close'>;
	credential: Credential;
	/** The board it syncs; null for a workspace's event stream. */
	pipelineId: string | null;
	workspaceId: string;
	role: string;
}

/** Which connections to close; every given field must match. */
export interface ConnectionMatch {
	userId?: string;
	sessionId?: string;
	apiTokenId?: string;
	workspaceId?: string;
	pipelineId?: string;
}

/** Whether a connection's credential and access still hold (see sync.route.ts). */
export type RecheckFn = (connection: OpenConnection) => Promise<boolean>;

/**
 * Every live connection of this node (board sockets and workspace event
 * streams) with what it was authorised by.
 * A right taken away ends at once: logout, a revoked token, a changed or
 * reset password, a removal or a role change close the connections they
 * cover, on every node (the match is published over Redis). A periodic
 * re-check of every connection is the backstop for a path that forgets.
 */
export class Connections {
	private readonly open = new Set<OpenConnection>();
	private timer: NodeJS.Timeout | null = null;
	private recheck: RecheckFn | null = null;
	private readonly revokedListeners: ((match: ConnectionMatch) => void)[] = [];

	constructor(private readonly fanout?: Fanout) {
		fanout?.onMessage((message) => {
			if (message.kind === 'disconnect') this.closeHere(message.match, message.reason);
		});
	}

	get size(): number {
		return this.open.size;
	}

	/** Tracks a connection; returns the function that forgets it. */
	add(connection: OpenConnection): () => void {
		this.open.add(connection);
		return () => this.open.delete(connection);
	}

	/** Called whenever a right is taken away here or on another node (admissions.ts forgets what it covers). */
	onRevoked(listener: (match: ConnectionMatch) => void): void {
		this.revokedListeners.push(listener);
	}

	/** Closes the matching connections on every node. */
	close(match: ConnectionMatch, reason = 'access changed'): number {
		this.fanout?.publish({ kind: 'disconnect', match, reason });
		return this.closeHere(match, reason);
	}

	/** Re-checks every connection every `intervalMs` and closes those whose right is gone. */
	startRechecks(recheck: RecheckFn, intervalMs: number): void {
		this.recheck = recheck;
		this.timer = setInterval(() => void this.recheckAll(), intervalMs);
		this.timer.unref?.();
	}

	async recheckAll(): Promise<number> {
		const recheck = this.recheck;
		if (!recheck) return 0;
		let closed = 0;
		// One check per credential, board and role: a user's tabs and devices on a board share it.
		const answers = new Map<string, Promise<boolean>>();
		for (const connection of [...this.open]) {
			const { credential, pipelineId, role } = connection;
			const key = [credential.sessionId ?? '', credential.apiTokenId ?? '', credential.userId, pipelineId, role].join('\u0000');
			let answer = answers.get(key);
			if (!answer) answers.set(key, (answer = recheck(connection).catch(() => true /* the database is down: keep, check again later */)));
			const valid = await answer;
			if (valid || !this.open.has(connection)) continue;
			// A path that took the right away without saying so: forget what this user was admitted with.
			this.notifyRevoked({ userId: credential.userId });
			connection.peer.close(closeCodes.accessChanged, 'access changed');
			this.open.delete(connection);
			closed += 1;
		}
		return closed;
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
	}

	private notifyRevoked(match: ConnectionMatch): void {
		for (const listener of this.revokedListeners) listener(match);
	}

	private closeHere(match: ConnectionMatch, reason: string): number {
		this.notifyRevoked(match);
		let closed = 0;
		for (const connection of [...this.open]) {
			if (!matchesConnection(connection, match)) continue;
			connection.peer.close(closeCodes.accessChanged, reason.slice(0, 120));
			this.open.delete(connection);
			closed += 1;
		}
		return closed;
	}
}

/** Whether a connection (or what one was admitted with) falls under a match; an empty match covers nothing. */
export function matchesConnection(connection: Pick<OpenConnection, 'credential' | 'workspaceId' | 'pipelineId'>, match: ConnectionMatch): boolean {
	const { credential } = connection;
	if (Object.values(match).every((value) => value === undefined)) return false;
	return (
		(match.userId === undefined || credential.userId === match.userId) &&
		(match.sessionId === undefined || credential.sessionId === match.sessionId) &&
		(match.apiTokenId === undefined || credential.apiTokenId === match.apiTokenId) &&
		(match.workspaceId === undefined || connection.workspaceId === match.workspaceId) &&
		(match.pipelineId === undefined || connection.pipelineId === match.pipelineId)
	);
}

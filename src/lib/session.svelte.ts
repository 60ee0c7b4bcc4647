import { api, ApiFailure, call, type CallOptions } from '$lib/api/client';
import type { Me, WorkspaceOfUser } from '$lib/api/types';
import { readCached, saveCached } from '$lib/board/local-memory';
import { adoptAccountLocale } from '$lib/i18n';
import { flushPendingBoards } from '$lib/offline/board-flush';
import { claimDevice } from '$lib/offline/device-data';
import { useOutboxOf } from '$lib/offline/outbox';

const meKey = 'me';

/** Who is logged in and their workspaces, shared by every page of the app. */
class Session {
	me = $state<Me | null>(null);

	workspace(id: string | undefined): WorkspaceOfUser | undefined {
		return this.me?.workspaces.find((workspace) => workspace.id === id);
	}
}

export const session = new Session();

/**
 * Asks who is signed in. Without a connection the last answer on this device
 * stands in, so an installed app opens offline; the server checks the
 * session again with every request once the network is back.
 */
export async function loadMe(options?: CallOptions): Promise<Me> {
	let me: Me;
	try {
		me = await call(api.api.me.$get(), options);
	} catch (failure) {
		const saved = failure instanceof ApiFailure && failure.status === 0 ? readCached<Me>(meKey) : null;
		if (!saved) throw failure;
		session.me = saved;
		useOutboxOf(saved.user);
		return saved;
	}
	await claimDevice(me.user.id);
	saveCached(meKey, me);
	session.me = me;
	// The account's language wins over this device's; may reload the page once.
	adoptAccountLocale(me.user.locale);
	useOutboxOf(me.user);
	flushPendingBoards(me.user);
	return me;
}

/** Keeps the shared list in step after a rename, a role change or a join. */
export function rememberWorkspace(workspace: WorkspaceOfUser): void {
	if (!session.me) return;
	const list = session.me.workspaces;
	const index = list.findIndex((known) => known.id === workspace.id);
	session.me.workspaces = index === -1 ? [...list, workspace] : list.with(index, workspace);
}

/** Forgets who is signed in on this page; logging out also calls forgetDeviceData (offline/device-data.ts). */
export function forgetSession(): void {
	session.me = null;
}

import { api, call, type CallOptions } from '$lib/api/client';
import type { Me, WorkspaceOfUser } from '$lib/api/types';
import { adoptAccountLocale } from '$lib/i18n';

/** Who is logged in and their workspaces, shared by every page of the app. */
class Session {
	me = $state<Me | null>(null);

	workspace(id: string | undefined): WorkspaceOfUser | undefined {
		return this.me?.workspaces.find((workspace) => workspace.id === id);
	}
}

export const session = new Session();

export async function loadMe(options?: CallOptions): Promise<Me> {
	const me = await call(api.api.me.$get(), options);
	session.me = me;
	// The account's language wins over this device's; may reload the page once.
	adoptAccountLocale(me.user.locale);
	return me;
}

/** Keeps the shared list in step after a rename, a role change or a join. */
export function rememberWorkspace(workspace: WorkspaceOfUser): void {
	if (!session.me) return;
	const list = session.me.workspaces;
	const index = list.findIndex((known) => known.id === workspace.id);
	session.me.workspaces = index === -1 ? [...list, workspace] : list.with(index, workspace);
}

export function forgetSession(): void {
	session.me = null;
}

import { whenBackgroundAllowed } from '$lib/background-work';
import { fetchOverdueCount } from './deal-api';

/** How many of the user's tasks are overdue in the workspace the navigation shows. */
class OverdueCount {
	workspaceId = $state<string | null>(null);
	count = $state(0);
}

export const overdue = new OverdueCount();

/** Asks the server again; a failure keeps the last known count (a badge is no place for errors). */
export async function refreshOverdue(workspaceId: string): Promise<void> {
	// A badge waits for the page's own content (a board's first sync).
	await whenBackgroundAllowed();
	try {
		setOverdue(workspaceId, await fetchOverdueCount(workspaceId, { redirectOn401: false }));
	} catch {
		// Offline or signed out: the next refresh tries again.
	}
}

export function setOverdue(workspaceId: string, count: number): void {
	overdue.workspaceId = workspaceId;
	overdue.count = count;
}

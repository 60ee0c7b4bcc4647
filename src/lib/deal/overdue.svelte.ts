import { whenBackgroundAllowed } from '$lib/background-work';
import { fetchMyTasks } from './deal-api';

/** How many of the user's tasks are overdue in the workspace the navigation shows. */
class OverdueCount {
	workspaceId = $state<string | null>(null);
	count = $state(0);
}

export const overdue = new OverdueCount();

/** Asks the server again; a failure keeps the last known count (a badge is no place for errors). */
export async function refreshOverdue(workspaceId: string): Promise<void> {
	// The count comes from the whole list of the user's tasks: seconds of the
	// server's time with thousands of them, which the page's own content goes before.
	await whenBackgroundAllowed();
	try {
		const answer = await fetchMyTasks(workspaceId, { redirectOn401: false });
		setOverdue(workspaceId, answer.overdue);
	} catch {
		// Offline or signed out: the next refresh tries again.
	}
}

export function setOverdue(workspaceId: string, count: number): void {
	overdue.workspaceId = workspaceId;
	overdue.count = count;
}

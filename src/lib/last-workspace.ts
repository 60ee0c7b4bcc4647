const key = 'voronka.lastWorkspaceId';

/** The workspace the user had open last, so "/" can take them back to it. */
export function readLastWorkspaceId(): string | null {
	try {
		return localStorage.getItem(key);
	} catch {
		return null;
	}
}

export function saveLastWorkspaceId(workspaceId: string): void {
	try {
		localStorage.setItem(key, workspaceId);
	} catch {
		// Private mode or storage full: the user just lands on their first workspace.
	}
}

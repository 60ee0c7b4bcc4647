/**
 * Runs `load` when the settings card mounts and again only when the
 * workspace id changes. The layout hands down a fresh workspace object
 * whenever it reloads (a live event, a role change); an effect reading it
 * would load again each time and throw away edits not saved yet.
 */
export function loadPerWorkspace(workspaceId: () => string, load: (workspaceId: string) => unknown): void {
	let loadedFor: string | null = null;
	$effect(() => {
		const id = workspaceId();
		if (id === loadedFor) return;
		loadedFor = id;
		void load(id);
	});
}

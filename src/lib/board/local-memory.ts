/**
 * Small things the board remembers per device in localStorage: the last
 * pipeline of each workspace, and the last known pipeline details so the
 * board can open offline. Storage can be unavailable (private mode): then
 * nothing is remembered and nothing breaks.
 */
function read<T>(key: string): T | null {
	try {
		const text = localStorage.getItem(key);
		return text ? (JSON.parse(text) as T) : null;
	} catch {
		return null;
	}
}

function write(key: string, value: unknown): void {
	try {
		localStorage.setItem(key, JSON.stringify(value));
	} catch {
		// Not remembered; the board still works online.
	}
}

export function readLastPipelineId(workspaceId: string): string | null {
	return read<string>(`voronka.lastPipeline.${workspaceId}`);
}

export function saveLastPipelineId(workspaceId: string, pipelineId: string): void {
	write(`voronka.lastPipeline.${workspaceId}`, pipelineId);
}

export function readCached<T>(name: string): T | null {
	return read<T>(`voronka.cache.${name}`);
}

export function saveCached(name: string, value: unknown): void {
	write(`voronka.cache.${name}`, value);
}

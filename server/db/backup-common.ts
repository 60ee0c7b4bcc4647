// What both database kinds' backup modules share, apart from the dispatch in backup.ts.

/** A refusal or failure the operator can act on; the scripts print its message alone. */
export class BackupError extends Error {}

/** What the database holds, counted to tell the operator what was saved or is in the way. */
export interface DatabaseSummary {
	users: number;
	workspaces: number;
	pipelines: number;
	deals: number;
	tasks: number;
}

export interface RestoreResult {
	summary: DatabaseSummary;
	/** PGlite with --force: where the replaced data directory was moved. */
	movedAside?: string;
}

export const summaryQuery = `select
	(select count(*) from users)::int as users,
	(select count(*) from workspaces)::int as workspaces,
	(select count(*) from pipelines)::int as pipelines,
	(select count(*) from deals)::int as deals,
	(select count(*) from tasks)::int as tasks`;

export function describeSummary(summary: DatabaseSummary): string {
	const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
	return [
		count(summary.users, 'user'),
		count(summary.workspaces, 'workspace'),
		count(summary.pipelines, 'pipeline'),
		count(summary.deals, 'deal'),
		count(summary.tasks, 'task')
	].join(', ');
}

/** A UTC time usable in a file name on every system: 2026-11-30T19-05-00Z. */
export function fileTimestamp(date: Date): string {
	return date.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
}

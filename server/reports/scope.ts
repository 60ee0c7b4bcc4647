import { and, eq } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { compareByRank } from '../../src/lib/model/ranks.js';
import type { Database } from '../db/client.js';
import { stagesProjection } from '../db/schema.js';

/**
 * What every report is read over: one pipeline, a period of calendar days and
 * optionally one rep. Workspaces keep no time zone, so a day is a UTC day:
 * `from` 2030-05-01 starts at 2030-05-01T00:00:00Z and `to` 2030-05-31 ends
 * just before 2030-06-01T00:00:00Z (both days included).
 */
export interface ReportScope {
	pipelineId: string;
	/** The rep whose figures alone are counted; null for everyone's. */
	ownerId: string | null;
}

export interface ReportPeriod {
	from: string;
	to: string;
}

export const reportTimeZone = 'UTC';

/** The period as a half-open range of instants [start, end). */
export function periodRange(period: ReportPeriod): { start: Date; end: Date } {
	const start = new Date(`${period.from}T00:00:00Z`);
	const end = new Date(`${period.to}T00:00:00Z`);
	end.setUTCDate(end.getUTCDate() + 1);
	return { start, end };
}

/** The calendar month 'YYYY-MM' shifted by `months` (negative goes back). */
export function shiftMonth(month: string, months: number): string {
	const [year, monthNumber] = month.split('-').map(Number) as [number, number];
	const date = new Date(Date.UTC(year, monthNumber - 1 + months, 1));
	return date.toISOString().slice(0, 7);
}

/** The first and last day of a month 'YYYY-MM'. */
export function monthPeriod(month: string): ReportPeriod {
	const next = shiftMonth(month, 1);
	const last = new Date(`${next}-01T00:00:00Z`);
	last.setUTCDate(0);
	return { from: `${month}-01`, to: last.toISOString().slice(0, 10) };
}

export interface ReportStage {
	id: string;
	name: string;
	kind: 'open' | 'won' | 'lost';
	probability: number;
	color: string | null;
}

/** The pipeline's stages in board order (open ones, then the closed outcomes, as the board keeps them). */
export async function listReportStages(db: Database, pipelineId: string): Promise<ReportStage[]> {
	const rows = await db
		.select({ id: stagesProjection.id, name: stagesProjection.name, kind: stagesProjection.kind, probability: stagesProjection.probability, rank: stagesProjection.rank, color: stagesProjection.color })
		.from(stagesProjection)
		.where(and(eq(stagesProjection.pipelineId, pipelineId)));
	return rows.sort(compareByRank).map(({ id, name, kind, probability, color }) => ({ id, name, kind: kind as ReportStage['kind'], probability, color }));
}

/** The deals' owner condition of a scope, for raw statements over `deals d`. */
export function ownerCondition(scope: ReportScope, column: SQL = sql`d.owner_id`): SQL {
	return scope.ownerId === null ? sql`true` : sql`${column} = ${scope.ownerId}`;
}

/** The rows of a query, from either driver (node-postgres and PGlite both answer `{ rows }`). */
export async function rowsOf<T>(db: Database, query: SQL): Promise<T[]> {
	const result = (await db.execute(query)) as unknown as { rows: T[] };
	return result.rows;
}

/**
 * Runs a report's reads in one read-only transaction with PostgreSQL's JIT
 * off. The planner's cost of a report over a large pipeline crosses the JIT
 * threshold, and compiling the plan took 0.9 s of a 1 s funnel whose work
 * was 85 ms (measured at 100,000 deals): these queries are short and run
 * once, the case JIT does not pay for. PGlite has no JIT; the setting is
 * accepted and changes nothing there.
 */
export async function readReport<T>(db: Database, read: (db: Database) => Promise<T>): Promise<T> {
	return db.transaction(async (tx) => {
		await tx.execute(sql`set transaction read only`);
		await tx.execute(sql`set local jit = off`);
		// One rep's time in stage sorts their period's stays for the medians (tens of thousands over a
		// year at 1,000,000 stage events); the default 4 MB can spill that sort to disk. Local to this transaction.
		await tx.execute(sql`set local work_mem = '64MB'`);
		return read(tx);
	});
}

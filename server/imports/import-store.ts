/**
 * The imports table: an import's file and choices, and how far it got. The
 * progress of a batch is written in the batch's own transaction, guarded by
 * the progress it started from, so a batch is counted once even when two
 * nodes (or a node and its restarted self) reach the same import.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { imports, type ImportEntity, type ImportStatus } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';
import type { Locale } from '../i18n/locale.js';
import type { CsvDelimiter, CsvEncoding } from './csv-read.js';
import type { ImportMapping } from './import-mapping.js';

export const duplicateChoices = ['skip', 'update', 'create'] as const;
export type DuplicateChoice = (typeof duplicateChoices)[number];

/** What was chosen for an import, kept with it (the `options` column). */
export interface ImportOptions {
	encoding: CsvEncoding | 'auto';
	delimiter: CsvDelimiter | 'auto';
	mapping: ImportMapping;
	duplicates: DuplicateChoice;
	/** Deals only: the pipeline they go to. */
	pipelineId?: string;
	/** The importer's language, for the first task's title. */
	locale: Locale;
	/** Why the import stopped, when it failed. */
	failure?: Record<Locale, string>;
}

export interface ImportError {
	line: number;
	reason: Record<Locale, string>;
}

/** How many errors an import keeps; the rest are counted, not listed. */
export const maxKeptErrors = 1000;

export interface Progress {
	processed: number;
	created: number;
	updated: number;
	skipped: number;
	errors: ImportError[];
}

export async function insertImport(
	db: Database,
	input: { workspaceId: string; userId: string; entity: ImportEntity; dryRun: boolean; options: ImportOptions; fileName: string; file: Uint8Array; total: number; at: Date }
): Promise<string> {
	const id = generateId();
	await db.insert(imports).values({
		id,
		workspaceId: input.workspaceId,
		userId: input.userId,
		entity: input.entity,
		status: 'queued',
		dryRun: input.dryRun,
		options: input.options as unknown as Record<string, unknown>,
		fileName: input.fileName,
		file: input.file,
		total: input.total,
		createdAt: input.at
	});
	return id;
}

const summaryColumns = {
	id: imports.id,
	workspaceId: imports.workspaceId,
	userId: imports.userId,
	entity: imports.entity,
	status: imports.status,
	dryRun: imports.dryRun,
	options: imports.options,
	fileName: imports.fileName,
	total: imports.total,
	processed: imports.processed,
	created: imports.created,
	updated: imports.updated,
	skipped: imports.skipped,
	errors: imports.errors,
	createdAt: imports.createdAt,
	finishedAt: imports.finishedAt
};

export type ImportSummary = Awaited<ReturnType<typeof getImport>> & {};

/** An import without its file; null when there is none with the id. */
export async function getImport(db: Database, id: string) {
	const [row] = await db.select(summaryColumns).from(imports).where(eq(imports.id, id));
	return row ? { ...row, options: row.options as unknown as ImportOptions } : null;
}

/** The workspace's most recent imports, newest first, without their error lists. */
export async function listImports(db: Database, workspaceId: string, limit = 20) {
	const { errors: _errors, options: _options, ...columns } = summaryColumns;
	return db
		.select({ ...columns, errorCount: sql<number>`jsonb_array_length(${imports.errors})::int` })
		.from(imports)
		.where(eq(imports.workspaceId, workspaceId))
		.orderBy(desc(imports.createdAt), desc(imports.id))
		.limit(limit);
}

/** The file of an import that has not ended. */
export async function loadImportFile(db: Database, id: string): Promise<Uint8Array | null> {
	const [row] = await db.select({ file: imports.file }).from(imports).where(eq(imports.id, id));
	return row?.file ?? null;
}

/** Ids of the imports waiting, or (after a restart) left running, oldest first. */
export async function listPendingImports(db: Database, statuses: ImportStatus[]): Promise<string[]> {
	const rows = await db
		.select({ id: imports.id })
		.from(imports)
		.where(inArray(imports.status, statuses))
		.orderBy(imports.createdAt, imports.id);
	return rows.map((row) => row.id);
}

/** Moves a queued import to running; false when another node got it first. */
export async function claimImport(db: Database, id: string): Promise<boolean> {
	const rows = await db
		.update(imports)
		.set({ status: 'running' })
		.where(and(eq(imports.id, id), eq(imports.status, 'queued')))
		.returning({ id: imports.id });
	return rows.length > 0;
}

/**
 * Writes a batch's progress, in the batch's transaction, only when the
 * import is still where the batch began; false (and the caller rolls the
 * batch back) when another runner moved it on meanwhile.
 */
export async function saveProgress(db: Database, id: string, from: number, progress: Progress): Promise<boolean> {
	const rows = await db
		.update(imports)
		.set({
			processed: progress.processed,
			created: progress.created,
			updated: progress.updated,
			skipped: progress.skipped,
			errors: progress.errors
		})
		.where(and(eq(imports.id, id), eq(imports.status, 'running'), eq(imports.processed, from)))
		.returning({ id: imports.id });
	return rows.length > 0;
}

/** Ends an import: done, or failed with the reason; its file is dropped either way. */
export async function finishImport(db: Database, id: string, at: Date, failure?: Record<Locale, string>): Promise<void> {
	await db
		.update(imports)
		.set({
			status: failure ? 'failed' : 'done',
			finishedAt: at,
			file: null,
			...(failure ? { options: sql`${imports.options} || ${JSON.stringify({ failure })}::jsonb` } : {})
		})
		.where(and(eq(imports.id, id), inArray(imports.status, ['queued', 'running'])));
}

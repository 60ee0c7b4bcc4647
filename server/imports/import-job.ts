/**
 * The import job: a stored CSV file becomes contacts, companies or deals,
 * batch by batch. Each batch of contacts or companies is one transaction
 * together with its progress, so a batch is all or nothing and a restarted
 * server goes on from the last batch counted, never doubling one. Deals go
 * through their board (the one way deals are written), with ids derived from
 * the import and the line, so a batch repeated after a crash finds its deals
 * already there. Between batches the job yields to the event loop, and one
 * import runs at a time per node: the server keeps answering everyone else.
 */
import { generateNKeysBetween } from 'fractional-indexing';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { boardMaps, createDeal, listDealsInStage, listStages } from '../../src/lib/model/index.js';
import type { Database } from '../db/client.js';
import type { ImportEntity, PartyKind } from '../db/schema.js';
import type { RoomManager } from '../sync/rooms.js';
import { listMembers } from '../workspaces/member.js';
import type { Role } from '../workspaces/roles.js';
import { locales, type Locale } from '../i18n/locale.js';
import { renderText, t, type Text } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';
import { decodeCsv, readCsv, sniffDelimiter, type CsvRow } from './csv-read.js';
import { mapRow, type ContactRecord, type CompanyRecord, type CustomCells, type DealRecord } from './import-mapping.js';
import { listFields } from '../fields/field-store.js';
import { parseFieldCell, type FieldPerson } from '../fields/field-csv.js';
import type { CustomFieldDef } from '../../src/lib/model/fields.js';
import { companyInput, contactInput, findOwner, joinReasons, checkContactPoints, stageKey } from './import-rows.js';
import { ImportParties } from './import-parties.js';
import type { PartyInput } from '../contacts/party.js';
import { nextWorkingDayAt10 } from './first-task.js';
import {
	claimImport,
	finishImport,
	getImport,
	insertImport,
	listPendingImports,
	loadImportFile,
	maxKeptErrors,
	saveProgress,
	type ImportOptions,
	type Progress
} from './import-store.js';

/** A row of the file, or a line that could not be read as one; in file order. */
export type ImportItem = { line: number; row: CsvRow } | { line: number; problem: Text };

/** The file's rows and unreadable lines by line, as every run of the import reads them. */
export function readImportItems(file: Uint8Array, options: Pick<ImportOptions, 'encoding' | 'delimiter'>): ImportItem[] {
	const { text } = decodeCsv(file, options.encoding);
	const delimiter = options.delimiter === 'auto' ? sniffDelimiter(text) : options.delimiter;
	const table = readCsv(text, { delimiter, header: true });
	const items: ImportItem[] = [...table.rows.map((row) => ({ line: row.line, row })), ...table.problems.map(({ line, reason }) => ({ line, problem: reason }))];
	return items.sort((a, b) => a.line - b.line);
}

export interface ImportRequest {
	workspaceId: string;
	userId: string;
	entity: ImportEntity;
	dryRun: boolean;
	options: ImportOptions;
	fileName: string;
	file: Uint8Array;
	/** Rows and unreadable lines: what the progress bar counts to. */
	total: number;
}

/** Stores the file and the choices as a queued import; the runner picks it up. */
export function startImport(db: Database, request: ImportRequest, at: Date): Promise<string> {
	return insertImport(db, { ...request, at });
}

/** A reason in every language, as the report keeps it. */
function renderAll(text: Text): Record<Locale, string> {
	return Object.fromEntries(locales.map((locale) => [locale, renderText(text, locale)])) as Record<Locale, string>;
}

function addError(progress: Progress, line: number, reason: Text): void {
	if (progress.errors.length < maxKeptErrors) progress.errors.push({ line, reason: renderAll(reason) });
}

/** A stable id for what a line of an import makes, so a repeated batch makes the same one. */
function lineId(importId: string, line: number, what: string): string {
	return encodeBase32LowerCaseNoPadding(sha256(new TextEncoder().encode(`${importId}:${line}:${what}`)).subarray(0, 10));
}

class DryRunRollback extends Error {}
/** Another runner moved the import on while this one worked on the same batch. */
class LostRace extends Error {}

export interface ImportRunnerOptions {
	db: Database;
	rooms: RoomManager;
	now: () => Date;
	/** Rows per batch (and per transaction). */
	batchRows?: number;
	/**
	 * A pause between batches, in ms (0: only the event loop's turn). A
	 * request makes several queries one after another; on PGlite each would
	 * otherwise wait behind the next batch's transaction.
	 */
	pauseMs?: number;
	/** How often queued imports of other nodes' requests are looked for. */
	pollMs?: number;
}

interface RunContext {
	id: string;
	workspaceId: string;
	userId: string;
	role: Role;
	entity: ImportEntity;
	dryRun: boolean;
	options: ImportOptions;
	members: Map<string, string>;
	parties: ImportParties;
	/** Deals: the board's open stages by their compared name, and every stage's. */
	stages?: { open: Map<string, string>; closed: Set<string>; first: string | null };
	/** The first batch after a restart may meet records an interrupted run made. */
	resumed: boolean;
	/** The workspace's active custom fields of the imported entity, and who a "team member" cell may name. */
	fields: CustomFieldDef[];
	people: FieldPerson[];
}

/** A row's custom cells read against their fields: the values, or why not, naming each field. */
function readCustomCells(context: RunContext, cells: CustomCells | undefined): { values: Record<string, unknown>; reasons: Text[] } {
	const values: Record<string, unknown> = {};
	const reasons: Text[] = [];
	for (const [fieldId, text] of Object.entries(cells ?? {})) {
		const field = context.fields.find((candidate) => candidate.id === fieldId);
		// A field archived since the mapping was made: its column is not imported.
		if (!field) continue;
		const read = parseFieldCell(field, text, context.people);
		if (read.problem) reasons.push(read.problem);
		else if (read.value !== undefined) values[fieldId] = read.value;
	}
	return { values, reasons };
}

/**
 * Runs this node's imports one after another: those left running by a
 * stopped server first, then the queued ones as they come.
 */
export class ImportRunner {
	private readonly batchRows: number;
	private running: Promise<void> | null = null;
	private wanted = false;
	private resumeRunning = true;
	private stopped = false;
	private timer: NodeJS.Timeout | null = null;

	constructor(private readonly options: ImportRunnerOptions) {
		this.batchRows = options.batchRows ?? 250;
	}

	start(): void {
		this.kick();
		this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 5000);
		this.timer.unref();
	}

	/** Looks for work now (a new import was queued on this node). */
	kick(): void {
		if (this.stopped) return;
		this.wanted = true;
		this.running ??= this.loop().finally(() => {
			this.running = null;
		});
	}

	/** Stops after the batch in hand; a later start (here or on another node) goes on from there. */
	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		await this.running;
	}

	/** Resolves when nothing is left to do (tests and the benchmark wait on it). */
	async idle(): Promise<void> {
		while (this.running) await this.running;
	}

	private async loop(): Promise<void> {
		while (this.wanted && !this.stopped) {
			this.wanted = false;
			const resume = this.resumeRunning;
			this.resumeRunning = false;
			// A poll of a database that is down (or closed under a test) tries again at the next one.
			const ids = await listPendingImports(this.options.db, resume ? ['running', 'queued'] : ['queued']).catch(() => [] as string[]);
			for (const id of ids) {
				if (this.stopped) return;
				await this.run(id, resume);
			}
		}
	}

	private async run(id: string, resume: boolean): Promise<void> {
		const { db, now } = this.options;
		try {
			const job = await getImport(db, id);
			if (!job) return;
			if (job.status === 'queued' && !(await claimImport(db, id))) return;
			if (job.status !== 'queued' && !(resume && job.status === 'running')) return;
			await this.process(job);
		} catch (error) {
			// The database's own words, not the whole statement of a batch.
			console.error(`import ${id} failed:`, (error as { cause?: Error }).cause?.message ?? (error as Error).message);
			await finishImport(db, id, now(), renderAll(t(m.import_failed_batch))).catch(() => undefined);
		}
	}

	private async process(job: NonNullable<Awaited<ReturnType<typeof getImport>>>): Promise<void> {
		const { db, now } = this.options;
		const file = await loadImportFile(db, job.id);
		const members = await listMembers(db, job.workspaceId);
		const importer = members.find((member) => member.userId === job.userId);
		if (!file || !importer) {
			await finishImport(db, job.id, now(), renderAll(t(file ? m.import_failed_importer_gone : m.import_failed_batch)));
			return;
		}
		const context: RunContext = {
			id: job.id,
			workspaceId: job.workspaceId,
			userId: importer.userId,
			role: importer.role,
			entity: job.entity,
			dryRun: job.dryRun,
			options: job.options,
			members: new Map(members.map((member) => [member.email.toLowerCase(), member.userId])),
			parties: new ImportParties(job.workspaceId, importer.userId, job.dryRun),
			resumed: job.processed > 0,
			fields: await listFields(db, job.workspaceId, { entity: ({ contacts: 'contact', companies: 'company', deals: 'deal' } as const)[job.entity] }),
			people: members.map((member) => ({ id: member.userId, email: member.email, name: member.name }))
		};
		if (job.entity === 'deals') context.stages = await this.readStages(job.options.pipelineId!);
		const items = readImportItems(file, job.options);
		let progress: Progress = { processed: job.processed, created: job.created, updated: job.updated, skipped: job.skipped, errors: job.errors };
		while (progress.processed < items.length) {
			if (this.stopped) return;
			const batch = items.slice(progress.processed, progress.processed + this.batchRows);
			const next = job.entity === 'deals' ? await this.runDealBatch(context, batch, progress) : await this.runPartyBatch(context, batch, progress);
			if (!next) return;
			progress = next;
			context.resumed = false;
			// Requests that came in during the batch are answered before the next one starts.
			const pauseMs = this.options.pauseMs ?? 0;
			await new Promise((resolve) => (pauseMs > 0 ? setTimeout(resolve, pauseMs) : setImmediate(resolve)));
		}
		await finishImport(db, job.id, now());
	}

	private async readStages(pipelineId: string): Promise<NonNullable<RunContext['stages']>> {
		const stages = await this.options.rooms.withRoom(pipelineId, async (room) => listStages(room.doc));
		const open = new Map<string, string>();
		const closed = new Set<string>();
		for (const stage of stages) {
			if (stage.kind === 'open') {
				if (!open.has(stageKey(stage.name))) open.set(stageKey(stage.name), stage.id);
			} else closed.add(stageKey(stage.name));
		}
		return { open, closed, first: stages.find((stage) => stage.kind === 'open')?.id ?? null };
	}

	/** Saves progress outside a batch's transaction (a dry run's, a deal batch's), guarded the same way. */
	private async saveOutside(context: RunContext, from: number, progress: Progress): Promise<Progress | null> {
		return (await saveProgress(this.options.db, context.id, from, progress)) ? progress : null;
	}

	private async runPartyBatch(context: RunContext, batch: ImportItem[], before: Progress): Promise<Progress | null> {
		const { db, now } = this.options;
		const at = now();
		const progress: Progress = { ...before, errors: [...before.errors] };
		const kind: PartyKind = context.entity === 'contacts' ? 'contact' : 'company';
		const delimiter = context.options.delimiter === 'auto' ? undefined : context.options.delimiter;
		// Rows are read and checked first, outside the transaction: it holds the database only for the lookups and writes.
		const rows: Array<{ input: PartyInput; company?: string }> = [];
		for (const item of batch) {
			progress.processed += 1;
			if ('problem' in item) {
				addError(progress, item.line, item.problem);
				continue;
			}
			const mapped = mapRow(item.row, context.options.mapping, context.entity as 'contacts' | 'companies', { delimiter });
			if (!mapped.ok) {
				addError(progress, item.line, mapped.reason);
				continue;
			}
			const input = kind === 'contact' ? contactInput(mapped.record as ContactRecord, context.members) : companyInput(mapped.record as CompanyRecord, context.members);
			const custom = readCustomCells(context, mapped.record.custom);
			if (!input.ok || custom.reasons.length > 0) {
				addError(progress, item.line, joinReasons([...(input.ok ? [] : [input.reason]), ...custom.reasons]));
				continue;
			}
			rows.push({ input: { ownerId: context.userId, ...input.value, custom: custom.values }, company: kind === 'contact' ? (mapped.record as ContactRecord).company : undefined });
		}
		try {
			await db.transaction(async (tx) => {
				if (context.options.duplicates !== 'create') await context.parties.lookUp(tx, kind, rows.map((row) => row.input));
				for (const { input, company } of rows) {
					if (company) {
						// The company is linked when the workspace has it, and made when not; never changed.
						const found = await context.parties.resolve(tx, 'company', { name: company, ownerId: input.ownerId ?? context.userId }, { choice: 'skip' }, at);
						input.companyId = found.id;
					}
					const result = await context.parties.resolve(tx, kind, input, { choice: context.options.duplicates }, at);
					progress[result.outcome] += 1;
				}
				await context.parties.flush(tx, at);
				if (context.dryRun) throw new DryRunRollback();
				if (!(await saveProgress(tx, context.id, before.processed, progress))) throw new LostRace();
			});
		} catch (error) {
			if (error instanceof DryRunRollback) return this.saveOutside(context, before.processed, progress);
			context.parties.discardBatch();
			if (error instanceof LostRace) return null;
			throw error;
		}
		return progress;
	}

	private async runDealBatch(context: RunContext, batch: ImportItem[], before: Progress): Promise<Progress | null> {
		const { db, now, rooms } = this.options;
		const at = now();
		const progress: Progress = { ...before, errors: [...before.errors] };
		const stages = context.stages!;
		const delimiter = context.options.delimiter === 'auto' ? undefined : context.options.delimiter;
		const currency = context.options.locale === 'ru' ? 'RUB' : 'EUR';
		const deals: Array<{ line: number; record: DealRecord; stageId: string; ownerId: string; contactId?: string; companyId?: string; fields: Record<string, unknown> }> = [];
		try {
			await db.transaction(async (tx) => {
				for (const item of batch) {
					progress.processed += 1;
					if ('problem' in item) {
						addError(progress, item.line, item.problem);
						continue;
					}
					const mapped = mapRow(item.row, context.options.mapping, 'deals', { delimiter, currency });
					if (!mapped.ok) {
						addError(progress, item.line, mapped.reason);
						continue;
					}
					const record = mapped.record;
					const reasons: Text[] = checkContactPoints(record.contactPhone ? [record.contactPhone] : [], record.contactEmail ? [record.contactEmail] : []);
					const owner = findOwner(record.owner, context.members);
					if (!owner.ok) reasons.push(owner.reason);
					const custom = readCustomCells(context, record.custom);
					reasons.push(...custom.reasons);
					let stageId = stages.first;
					if (record.stage) {
						const key = stageKey(record.stage);
						stageId = stages.open.get(key) ?? null;
						if (!stageId) reasons.push(stages.closed.has(key) ? t(m.import_stage_closed, { stage: record.stage }) : t(m.import_unknown_stage, { stage: record.stage }));
					}
					if (reasons.length > 0 || !stageId) {
						addError(progress, item.line, joinReasons(reasons));
						continue;
					}
					const ownerId = (owner.ok && owner.value) || context.userId;
					const choice = context.options.duplicates === 'create' ? 'create' : 'skip';
					const linked = async (kind: PartyKind, input: Parameters<ImportParties['resolve']>[2]) => {
						const newId = lineId(context.id, item.line, kind);
						// A batch cut short after its contacts were saved made them already.
						if (context.resumed && (await context.parties.exists(tx, kind, newId))) return newId;
						return (await context.parties.resolve(tx, kind, { ownerId, ...input }, { choice, newId }, at)).id;
					};
					const companyId =
						record.company || record.companyTaxId ? await linked('company', { name: record.company ?? record.companyTaxId!, taxId: record.companyTaxId ?? null }) : undefined;
					const contactName = record.contact ?? record.contactPhone ?? record.contactEmail;
					const contactId = contactName
						? await linked('contact', {
								name: contactName,
								phones: record.contactPhone ? [record.contactPhone] : [],
								emails: record.contactEmail ? [record.contactEmail] : [],
								companyId: companyId ?? null
							})
						: undefined;
					deals.push({ line: item.line, record, stageId, ownerId, contactId, companyId, fields: custom.values });
				}
				await context.parties.flush(tx, at);
				if (context.dryRun) throw new DryRunRollback();
			});
		} catch (error) {
			if (!(error instanceof DryRunRollback)) {
				context.parties.discardBatch();
				throw error;
			}
		}
		if (!context.dryRun && deals.length > 0) {
			const dueAt = nextWorkingDayAt10(at);
			const title = m.import_task_call_back({}, { locale: context.options.locale });
			const writer = { kind: 'member' as const, userId: context.userId, role: context.role };
			await rooms.withRoom(context.options.pipelineId!, (room) =>
				room.change(writer, (doc) => {
					const onBoard = boardMaps(doc).deals;
					const fresh = deals.filter((deal) => !onBoard.has(lineId(context.id, deal.line, 'deal')));
					const ranks = new Map<string, string[]>();
					for (const stageId of new Set(fresh.map((deal) => deal.stageId))) {
						const top = listDealsInStage(doc, stageId)[0]?.rank ?? null;
						ranks.set(stageId, generateNKeysBetween(null, top, fresh.filter((deal) => deal.stageId === stageId).length));
					}
					for (const deal of fresh) {
						const record = deal.record;
						const created = record.createdAt ?? at.toISOString();
						createDeal(
							doc,
							{
								id: lineId(context.id, deal.line, 'deal'),
								title: record.title,
								valueMinor: record.valueMinor ?? 0,
								currency: record.currency ?? currency,
								stageId: deal.stageId,
								rank: ranks.get(deal.stageId)!.shift()!,
								ownerId: deal.ownerId,
								contactId: deal.contactId,
								companyId: deal.companyId,
								fields: deal.fields,
								source: record.source ?? 'import'
							},
							{ id: lineId(context.id, deal.line, 'task'), type: 'call', title, dueAt },
							{ now: () => created }
						);
					}
				})
			);
		}
		progress.created += deals.length;
		return this.saveOutside(context, before.processed, progress);
	}
}

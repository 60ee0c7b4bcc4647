import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.js';
import { requireAuth, requirePipeline, requireWorkspace } from '../../http/auth.js';
import { ApiError, describeIssues, errorBody, localeOfCaller, notFound, unprocessable } from '../../http/errors.js';
import { createRouter } from '../../http/router.js';
import { maxImportFileBytes } from '../../app.js';
import { atPath, renderText, t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';
import type { Locale } from '../../i18n/locale.js';
import { previewCsv, type CsvDelimiter, type CsvEncoding } from '../../imports/csv-read.js';
import { csvChunks, type CsvColumn } from '../../imports/csv-write.js';
import { customFieldKey, importFields, importMappingSchema } from '../../imports/import-mapping.js';

/** Which custom fields an import of each entity may fill. */
const entityOfImport = { contacts: 'contact', companies: 'company', deals: 'deal' } as const;
import { startImport } from '../../imports/import-job.js';
import { getImport, listImports } from '../../imports/import-store.js';
import { suggestMapping } from '../../imports/suggest-mapping.js';
import { dealColumns, exportDealRows, exportPartyRows, partyColumns } from '../../imports/list-export.js';
import * as routes from './imports.routes.js';
import { readFieldFilters } from '../../fields/field-values.js';
import { listFields } from '../../fields/field-store.js';

type ImportJson = z.infer<typeof routes.importJson>;

async function readFile(file: File): Promise<Uint8Array> {
	if (file.size > maxImportFileBytes) throw new ApiError(413, 'payload_too_large', t(m.import_file_too_large, { size: maxImportFileBytes / 1024 / 1024 }));
	return new Uint8Array(await file.arrayBuffer());
}

function readOptions(form: { encoding: 'auto' | CsvEncoding; delimiter: 'auto' | CsvDelimiter | 'tab' }) {
	const delimiter = form.delimiter === 'tab' ? '\t' : form.delimiter;
	return { encoding: form.encoding, delimiter: delimiter === 'auto' ? undefined : delimiter };
}

function parseMappingJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		throw unprocessable('validation_failed', atPath('mapping', t(m.import_mapping_not_json)), [{ path: 'mapping', message: t(m.import_mapping_not_json) }]);
	}
}

/** An import as the API sends it, reasons in the reader's language; errors beyond those kept are counted. */
function toImportJson(job: NonNullable<Awaited<ReturnType<typeof getImport>>>, locale: Locale): ImportJson {
	return {
		id: job.id,
		entity: job.entity,
		status: job.status,
		dryRun: job.dryRun,
		fileName: job.fileName,
		total: job.total,
		processed: job.processed,
		created: job.created,
		updated: job.updated,
		skipped: job.skipped,
		errors: job.errors.map((error) => ({ line: error.line, reason: error.reason[locale] ?? error.reason.en })),
		// Each processed row was created, updated, skipped or refused.
		errorCount: job.processed - job.created - job.updated - job.skipped,
		failure: job.options.failure ? (job.options.failure[locale] ?? job.options.failure.en) : null,
		createdAt: job.createdAt.toISOString(),
		finishedAt: job.finishedAt?.toISOString() ?? null
	};
}

/** Sends a CSV as it is written, page by page, as a download named `<name>-YYYY-MM-DD.csv`. */
function sendCsv(c: Context<AppEnv>, name: string, columns: CsvColumn[], rows: AsyncIterable<Record<string, unknown>[]>) {
	const chunks = csvChunks(columns, rows);
	const encoder = new TextEncoder();
	const stream = new ReadableStream<Uint8Array>({
		async pull(controller) {
			const next = await chunks.next();
			if (next.done) controller.close();
			else controller.enqueue(encoder.encode(next.value));
		},
		async cancel() {
			await chunks.return(undefined);
		}
	});
	const date = c.var.deps.now().toISOString().slice(0, 10);
	return c.body(stream, 200, {
		'content-type': 'text/csv; charset=utf-8',
		'content-disposition': `attachment; filename="${name}-${date}.csv"`,
		'cache-control': 'no-store'
	});
}

const router = createRouter()
	.openapi(routes.previewImportRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'manager');
		const form = c.req.valid('form');
		const preview = previewCsv(await readFile(form.file), readOptions(form));
		const locale = localeOfCaller(c);
		const custom = await listFields(c.var.deps.db, workspace.id, { entity: entityOfImport[form.entity] });
		return c.json(
			{
				columns: preview.columns,
				rows: preview.rows,
				encoding: preview.encoding,
				bom: preview.bom,
				delimiter: preview.delimiter,
				total: preview.total,
				problems: preview.problems.map((problem) => ({ line: problem.line, reason: renderText(problem.reason, locale) })),
				fields: [
					...importFields[form.entity].map((field) => ({ ...field, anyOf: field.anyOf ? [...field.anyOf] : undefined, label: renderText(field.label, locale) })),
					// The workspace's custom fields, after the built-in ones.
					...custom.map((field) => ({ key: customFieldKey(field.id), label: field.label, required: false, multiple: false, anyOf: undefined }))
				],
				suggestedMapping: suggestMapping(form.entity, preview.columns)
			},
			200
		);
	})
	.openapi(routes.startImportRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'manager');
		const { user } = requireAuth(c);
		const form = c.req.valid('form');
		const locale = localeOfCaller(c);
		const mappingJson = parseMappingJson(form.mapping);
		if (form.entity === 'deals') {
			if (!form.pipelineId) throw unprocessable('validation_failed', atPath('pipelineId', t(m.import_pipeline_needed)), [{ path: 'pipelineId', message: t(m.import_pipeline_needed) }]);
			const access = await requirePipeline(c, form.pipelineId, 'rep');
			if (access.pipeline.workspaceId !== workspace.id) throw notFound(t(m.error_pipeline_not_found));
		}
		const bytes = await readFile(form.file);
		const preview = previewCsv(bytes, readOptions(form));
		const custom = await listFields(c.var.deps.db, workspace.id, { entity: entityOfImport[form.entity] });
		const mapping = importMappingSchema(
			form.entity,
			preview.columns,
			custom.map((field) => field.id)
		).safeParse(mappingJson);
		if (!mapping.success) {
			const issues = mapping.error.issues.map((issue) => ({ ...issue, path: ['mapping', ...issue.path] }));
			const described = describeIssues(issues, locale, { mapping: mappingJson });
			return c.json(errorBody('validation_failed', described.message, described.issues), 422);
		}
		const id = await startImport(
			c.var.deps.db,
			{
				workspaceId: workspace.id,
				userId: user.id,
				entity: form.entity,
				dryRun: form.dryRun === 'true',
				options: {
					// What was found, not 'auto': every run of the import reads the file the same way.
					encoding: preview.encoding,
					delimiter: preview.delimiter,
					mapping: mapping.data,
					duplicates: form.duplicates,
					...(form.pipelineId && form.entity === 'deals' ? { pipelineId: form.pipelineId } : {}),
					locale
				},
				fileName: form.file.name.slice(0, 255),
				file: bytes,
				total: preview.total + preview.problems.length
			},
			c.var.deps.now()
		);
		c.var.deps.imports.kick();
		return c.json({ id }, 202);
	})
	.openapi(routes.getImportRoute, async (c) => {
		const job = await getImport(c.var.deps.db, c.req.valid('param').importId);
		if (!job) throw notFound(t(m.import_not_found));
		await requireWorkspace(c, job.workspaceId, 'manager').catch((error: unknown) => {
			// Another workspace's import does not exist for the caller.
			if (error instanceof ApiError && error.status === 404) throw notFound(t(m.import_not_found));
			throw error;
		});
		return c.json(toImportJson(job, localeOfCaller(c)), 200);
	})
	.openapi(routes.listImportsRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'manager');
		const rows = await listImports(c.var.deps.db, workspace.id);
		return c.json(
			{
				imports: rows.map(({ workspaceId: _w, userId: _u, errorCount: _e, ...row }) => ({
					...row,
					errorCount: row.processed - row.created - row.updated - row.skipped,
					createdAt: row.createdAt.toISOString(),
					finishedAt: row.finishedAt?.toISOString() ?? null
				}))
			},
			200
		);
	})
	.openapi(routes.exportPartiesRoute('contacts'), async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const query = c.req.valid('query');
		const locale = localeOfCaller(c);
		const scope = { workspaceId: workspace.id, kind: 'contact' as const };
		const { field, ...rest } = query;
		const [conditions, fields] = await Promise.all([
			readFieldFilters(c.var.deps.db, workspace.id, 'contact', field),
			listFields(c.var.deps.db, workspace.id, { entity: 'contact' })
		]);
		const filter = { ...rest, ownerId: query.owner, deleted: query.trash === 'true', fields: conditions };
		return sendCsv(c, 'contacts', partyColumns('contact', locale, fields), exportPartyRows(c.var.deps.db, scope, filter, query.sort, query.order, locale, fields)) as never;
	})
	.openapi(routes.exportPartiesRoute('companies'), async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const query = c.req.valid('query');
		const locale = localeOfCaller(c);
		const scope = { workspaceId: workspace.id, kind: 'company' as const };
		const { companyId: _companyId, field, ...rest } = query;
		const [conditions, fields] = await Promise.all([
			readFieldFilters(c.var.deps.db, workspace.id, 'company', field),
			listFields(c.var.deps.db, workspace.id, { entity: 'company' })
		]);
		const filter = { ...rest, ownerId: query.owner, deleted: query.trash === 'true', fields: conditions };
		return sendCsv(c, 'companies', partyColumns('company', locale, fields), exportPartyRows(c.var.deps.db, scope, filter, query.sort, query.order, locale, fields)) as never;
	})
	.openapi(routes.exportDealsRoute, async (c) => {
		const { pipeline } = await requirePipeline(c, c.req.valid('param').pipelineId);
		const query = c.req.valid('query');
		const locale = localeOfCaller(c);
		const [conditions, fields] = await Promise.all([
			readFieldFilters(c.var.deps.db, pipeline.workspaceId, 'deal', query.field),
			listFields(c.var.deps.db, pipeline.workspaceId, { entity: 'deal' })
		]);
		const rows = exportDealRows(
			c.var.deps.db,
			{ workspaceId: pipeline.workspaceId, pipelineId: pipeline.id },
			{ stageId: query.stage, ownerId: query.owner, status: query.status, search: query.q, sort: query.sort, order: query.order, fields: conditions },
			locale,
			fields
		);
		return sendCsv(c, 'deals', dealColumns(locale, fields), rows) as never;
	});

export default router;

import { notifyMentions } from '../../notifications/mentions.js';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { requireAuth, requireWorkspace } from '../../http/auth.js';
import { ApiError, forbidden, notFound, unprocessable, type Issue } from '../../http/errors.js';
import { createRouter } from '../../http/router.js';
import type { PartyKind } from '../../db/schema.js';
import { canSeePipeline } from '../../pipelines/pipeline.js';
import { hasRoleAtLeast, type Role } from '../../workspaces/roles.js';
import { derivePartyKeys, defaultPhoneCountry, type PartyInput, type PartyRow } from '../../contacts/party.js';
import { normaliseEmail, normalisePhone } from '../../contacts/normalise.js';
import { findDuplicates, type DuplicateCandidate } from '../../contacts/duplicates.js';
import { addPartyInteraction, createParty, findPartyWorkspaceId, getParty, listParties, moveToTrash, restoreFromTrash, toPartyInput, updateParty, type PartyScope } from '../../contacts/party-store.js';
import { mergeParties } from '../../contacts/merge.js';
import { listPartyDeals, repointPartyDeals } from '../../contacts/deal-links.js';
import { listPartyTimeline } from '../../contacts/timeline.js';
import { listPartyLinks } from '../../contacts/links.js';
import { assertMember } from '../board-change.js';
import { toPartyJson } from './party-json.js';
import { assertCustomValues, mergeCustomValues, readFieldFilters } from '../../fields/field-values.js';
import { partyRoutes, type companyJson, type timelineEntryJson } from './party.routes.js';
import type { z } from '@hono/zod-openapi';

type TimelineEntryJson = z.infer<typeof timelineEntryJson>;
type CompanyJson = z.infer<typeof companyJson>;
import { atPath, t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

interface PartyAccess extends PartyScope {
	role: Role;
	userId: string;
}

const notFoundText = (kind: PartyKind) => (kind === 'contact' ? t(m.error_contact_not_found) : t(m.error_company_not_found));

/** The caller's access to a record: 404 when it is not in a workspace they belong to. */
async function requireParty(c: Context<AppEnv>, kind: PartyKind, id: string, minimumRole: Role = 'viewer') {
	const { db } = c.var.deps;
	const { user } = requireAuth(c);
	const found = await findPartyWorkspaceId(db, kind, id);
	if (!found) throw notFound(notFoundText(kind));
	const workspace = await requireWorkspace(c, found, minimumRole).catch((error: unknown) => {
		// Not a member: the record does not exist for the caller.
		if (error instanceof ApiError && error.status === 404) throw notFound(notFoundText(kind));
		throw error;
	});
	const access: PartyAccess = { workspaceId: workspace.id, kind, role: workspace.role, userId: user.id };
	const row = await getParty(db, access, id);
	if (!row) throw notFound(notFoundText(kind));
	return { access, row };
}

/** Admins, and the record's owner, may delete it (and restore it). */
function assertCanDelete(access: PartyAccess, row: PartyRow) {
	if (hasRoleAtLeast(access.role, 'admin') || row.ownerId === access.userId) return;
	throw forbidden(t(m.error_delete_party_forbidden));
}

function canDelete(access: PartyAccess, row: PartyRow): boolean {
	return hasRoleAtLeast(access.role, 'admin') || row.ownerId === access.userId;
}

/**
 * Checks what the database cannot: every phone and email is one, the owner
 * is a member, the company is one of the workspace's. Says which field.
 */
async function checkInput(c: Context<AppEnv>, scope: PartyScope, input: Partial<PartyInput>) {
	const issues: Issue[] = [];
	input.phones?.forEach((phone, index) => {
		if (phone.trim() && !normalisePhone(phone, defaultPhoneCountry)) issues.push({ path: `phones.${index}`, message: t(m.error_phone_invalid, { phone }) });
	});
	input.emails?.forEach((email, index) => {
		if (email.trim() && !normaliseEmail(email)) issues.push({ path: `emails.${index}`, message: t(m.error_email_not_address, { email }) });
	});
	if (issues.length > 0) throw unprocessable('validation_failed', atPath(issues[0]!.path, issues[0]!.message), issues);
	if (input.ownerId) await assertMember(c, scope.workspaceId, input.ownerId, 'ownerId');
	if (scope.kind === 'contact' && input.companyId) {
		const company = await getParty(c.var.deps.db, { workspaceId: scope.workspaceId, kind: 'company' }, input.companyId);
		if (!company || company.deletedAt) {
			throw unprocessable('unknown_company', atPath('companyId', t(m.error_company_unknown)), [{ path: 'companyId', message: t(m.error_company_unknown) }]);
		}
	}
}

function duplicateError(candidates: DuplicateCandidate[]) {
	const names = candidates.map((candidate) => candidate.name).join(', ');
	return new ApiError(409, 'duplicate_candidates', t(m.error_duplicate_candidates, { count: candidates.length, names }), undefined, undefined, { candidates });
}

async function findCandidates(c: Context<AppEnv>, scope: PartyScope, input: PartyInput, exceptId?: string) {
	const keys = derivePartyKeys(scope.kind, { name: input.name, phones: input.phones ?? [], emails: input.emails ?? [], taxId: input.taxId });
	return findDuplicates(c.var.deps.db, scope.workspaceId, scope.kind, keys, { exceptId });
}

/** The records and routes of contacts, or of companies: the same behaviour under two names. */
export function partyRouter<P extends 'contacts' | 'companies'>(plural: P) {
	const kind: PartyKind = plural === 'contacts' ? 'contact' : 'company';
	const routes = partyRoutes(plural);
	const wrap = (record: ReturnType<typeof toPartyJson>) => (kind === 'contact' ? { contact: record } : { company: record as unknown as CompanyJson });

	return createRouter()
		.openapi(routes.list, async (c) => {
			const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
			const { field, ...query } = c.req.valid('query');
			const fields = await readFieldFilters(c.var.deps.db, workspace.id, kind, field);
			const { rows, total } = await listParties(
				c.var.deps.db,
				{ workspaceId: workspace.id, kind },
				{ ...query, ownerId: query.owner, deleted: query.trash === 'true', fields },
				{ sort: query.sort, order: query.order, limit: query.limit, offset: query.offset }
			);
			return c.json({ items: rows.map((row) => toPartyJson(row, row.companyName)), total }, 200);
		})
		.openapi(routes.create, async (c) => {
			const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'rep');
			const { force, ...input } = c.req.valid('json');
			const scope = { workspaceId: workspace.id, kind };
			await checkInput(c, scope, input);
			await assertCustomValues(c.var.deps.db, workspace.id, kind, input.custom);
			input.custom = mergeCustomValues({}, input.custom);
			if (!force) {
				const candidates = await findCandidates(c, scope, input);
				if (candidates.length > 0) throw duplicateError(candidates);
			}
			const { user } = requireAuth(c);
			const { db, now } = c.var.deps;
			const row = await db.transaction((tx) => createParty(tx, scope, { ownerId: user.id, ...input }, user.id, now()));
			return c.json(wrap(toPartyJson(row, await companyNameFor(c, scope, row))), 201);
		})
		.openapi(routes.check, async (c) => {
			const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
			const { exceptId, force: _force, ...input } = c.req.valid('json');
			const candidates = await findCandidates(c, { workspaceId: workspace.id, kind }, { name: '', ...input }, exceptId);
			return c.json({ candidates }, 200);
		})
		.openapi(routes.get, async (c) => {
			const { access, row } = await requireParty(c, kind, c.req.valid('param').id);
			const { db } = c.var.deps;
			const visible = canSeePipeline(db, access.userId, access.role);
			const [deals, links, people] = await Promise.all([
				listPartyDeals(db, access.workspaceId, kind, row.id, visible),
				listPartyLinks(db, access.workspaceId, row.id),
				kind === 'company'
					? listParties(db, { workspaceId: access.workspaceId, kind: 'contact' }, { companyId: row.id }, { sort: 'name', order: 'asc', limit: 200, offset: 0 })
					: Promise.resolve({ rows: [] })
			]);
			return c.json(
				{
					record: toPartyJson(row, await companyNameFor(c, access, row)),
					deals: deals.map((deal) => ({ ...deal, createdAt: deal.createdAt.toISOString(), closedAt: deal.closedAt?.toISOString() ?? null })),
					links,
					people: people.rows.map((person) => toPartyJson(person, row.name)),
					canDelete: canDelete(access, row)
				},
				200
			);
		})
		.openapi(routes.update, async (c) => {
			const { access, row } = await requireParty(c, kind, c.req.valid('param').id, 'rep');
			if (row.deletedAt) throw unprocessable('in_trash', t(m.error_in_trash));
			const { force, ...changes } = c.req.valid('json');
			await checkInput(c, access, changes);
			await assertCustomValues(c.var.deps.db, access.workspaceId, kind, changes.custom);
			const input: PartyInput = { ...toPartyInput(row), ...changes, custom: mergeCustomValues(row.custom, changes.custom) };
			// Only a change to what identifies the record asks about duplicates again.
			const identifying = ['name', 'phones', 'emails', 'taxId'].some((key) => key in changes);
			if (!force && identifying) {
				const candidates = await findCandidates(c, access, input, row.id);
				if (candidates.length > 0) throw duplicateError(candidates);
			}
			const updated = await updateParty(c.var.deps.db, access, row.id, input, c.var.deps.now());
			return c.json(wrap(toPartyJson(updated!, await companyNameFor(c, access, updated!))), 200);
		})
		.openapi(routes.remove, async (c) => {
			const { access, row } = await requireParty(c, kind, c.req.valid('param').id, 'rep');
			assertCanDelete(access, row);
			if (row.deletedAt) throw unprocessable('in_trash', t(m.error_in_trash));
			const { db, now } = c.var.deps;
			await db.transaction((tx) => moveToTrash(tx, access, row.id, access.userId, now()));
			const deleted = (await getParty(db, access, row.id))!;
			return c.json(wrap(toPartyJson(deleted, await companyNameFor(c, access, deleted))), 200);
		})
		.openapi(routes.restore, async (c) => {
			const { access, row } = await requireParty(c, kind, c.req.valid('param').id, 'rep');
			assertCanDelete(access, row);
			if (!row.deletedAt) throw unprocessable('not_in_trash', t(m.error_not_in_trash));
			const { db, now } = c.var.deps;
			await db.transaction((tx) => restoreFromTrash(tx, access, row.id, access.userId, now()));
			const restored = (await getParty(db, access, row.id))!;
			return c.json(wrap(toPartyJson(restored, await companyNameFor(c, access, restored))), 200);
		})
		.openapi(routes.merge, async (c) => {
			const { access, row: keep } = await requireParty(c, kind, c.req.valid('param').id, 'rep');
			const { otherId } = c.req.valid('json');
			if (otherId === keep.id) throw unprocessable('merge_same', t(m.error_merge_same));
			const { db, now, rooms } = c.var.deps;
			// The other record must be of the same workspace; anything else does not exist.
			const other = await getParty(db, access, otherId);
			if (!other) throw notFound(notFoundText(kind));
			if (keep.deletedAt || other.deletedAt) throw unprocessable('in_trash', t(m.error_in_trash));
			// Merging deletes the other record: the caller must be allowed to delete it.
			assertCanDelete(access, other);
			const at = now();
			await repointPartyDeals(db, rooms, access, other.id, keep.id, { kind: 'member', userId: access.userId, role: access.role }, at);
			const merged = await db.transaction(async (tx) => {
				// Re-read inside the transaction: a second merge of the same pair finds nothing to merge.
				const [keepNow, otherNow] = await Promise.all([getParty(tx, access, keep.id), getParty(tx, access, other.id)]);
				if (!keepNow || !otherNow) throw notFound(notFoundText(kind));
				return mergeParties(tx, access, keepNow, otherNow, access.userId, at);
			});
			return c.json(wrap(toPartyJson(merged, await companyNameFor(c, access, merged))), 200);
		})
		.openapi(routes.timeline, async (c) => {
			const { access, row } = await requireParty(c, kind, c.req.valid('param').id);
			const { before, limit } = c.req.valid('query');
			const { db } = c.var.deps;
			const page = await listPartyTimeline(
				db,
				{ workspaceId: access.workspaceId, kind, id: row.id, visible: canSeePipeline(db, access.userId, access.role) },
				{ before: before ? new Date(before) : null, limit }
			);
			return c.json({ entries: page.entries.map((entry) => ({ ...entry, at: entry.at.toISOString() }) as TimelineEntryJson), next: page.next }, 200);
		})
		.openapi(routes.addInteraction, async (c) => {
			const { access, row } = await requireParty(c, kind, c.req.valid('param').id, 'rep');
			const body = c.req.valid('json');
			const id = await addPartyInteraction(c.var.deps.db, access, row.id, {
				kind: body.kind,
				text: body.text,
				at: body.at ? new Date(body.at) : c.var.deps.now(),
				userId: access.userId
			});
			const { user } = requireAuth(c);
			await notifyMentions(c.var.deps.db, c.var.deps.notifier, {
				workspaceId: access.workspaceId,
				interactionId: id,
				authorId: user.id,
				authorName: user.name,
				text: body.text,
				contactId: kind === 'contact' ? row.id : null
			});
			return c.json({ id }, 201);
		});
}

async function companyNameFor(c: Context<AppEnv>, scope: PartyScope, row: PartyRow): Promise<string | null> {
	if (scope.kind !== 'contact' || !('companyId' in row) || !row.companyId) return null;
	const company = await getParty(c.var.deps.db, { workspaceId: scope.workspaceId, kind: 'company' }, row.companyId);
	return company?.name ?? null;
}

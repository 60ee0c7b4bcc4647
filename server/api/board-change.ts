import type { Context } from 'hono';
import type * as Y from 'yjs';
import type { Violation } from '../../src/lib/model/validate.js';
import type { AppEnv } from '../http/context.js';
import { ApiError, unprocessable } from '../http/errors.js';
import { listStages } from '../../src/lib/model/board.js';
import { BoardUnavailable, RefusedChange } from '../board/refused-change.js';
import type { Writer } from '../board/writer.js';
import { isWorkspaceMember } from '../workspaces/member.js';
import { findLiveParties } from '../contacts/party-store.js';
import { atPath, t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

// Rules about the deal's state conflict with the request (409); the rest is bad input (422).
const conflictRules = new Set<Violation['rule']>(['deal-without-task', 'strict-move', 'required-fields', 'stage-not-empty']);

/**
 * Applies a change to a pipeline's live board as the caller, through the same
 * room and checks as every other writer, and answers with the broken rule
 * when the board refuses it.
 */
export async function changeBoard<T>(c: Context<AppEnv>, pipelineId: string, writer: Writer, run: (doc: Y.Doc) => T): Promise<T> {
	try {
		return await c.var.deps.rooms.withRoom(pipelineId, (room) => room.change(writer, run));
	} catch (error) {
		if (error instanceof BoardUnavailable) throw new ApiError(503, 'board_unavailable', t(m.error_board_unavailable, { board: error.docId }), undefined, { 'Retry-After': '5' });
		if (!(error instanceof RefusedChange)) throw error;
		const first = error.violations[0]!;
		const status = conflictRules.has(first.rule) ? 409 : 422;
		throw new ApiError(status, `rule_${first.rule.replaceAll('-', '_')}`, first.message);
	}
}

/** The id of an open stage of the board (the first one when none is given), or a 422. */
export function assertOpenStage(doc: Y.Doc, stageId: string | undefined, path: string): string {
	const open = listStages(doc).filter((stage) => stage.kind === 'open');
	const id = stageId ?? open[0]?.id;
	if (!id || !open.some((stage) => stage.id === id)) {
		throw unprocessable('unknown_stage', atPath(path, t(m.error_not_open_stage)), [
			{ path, message: t(m.error_not_open_stage) }
		]);
	}
	return id;
}

/** Deals and tasks belong to members of the workspace; anyone else is a 422 on the field. */
export async function assertMember(c: Context<AppEnv>, workspaceId: string, userId: string, path: string): Promise<void> {
	if (await isWorkspaceMember(c.var.deps.db, workspaceId, userId)) return;
	throw unprocessable('unknown_owner', atPath(path, t(m.error_owner_not_member)), [
		{ path, message: t(m.error_not_member) }
	]);
}

/**
 * A deal's contact and company are records of its own workspace. The board
 * would take any id; an id of another workspace's record is a 422 on the
 * field, said the same way as an id that does not exist.
 */
export async function assertParties(
	c: Context<AppEnv>,
	workspaceId: string,
	deals: { contactId?: string | null; companyId?: string | null }[],
	pathOf: (index: number, field: 'contactId' | 'companyId') => string = (_index, field) => field
): Promise<void> {
	const db = c.var.deps.db;
	const [contacts, companies] = await Promise.all([
		findLiveParties(db, workspaceId, 'contact', deals.flatMap((deal) => (deal.contactId ? [deal.contactId] : []))),
		findLiveParties(db, workspaceId, 'company', deals.flatMap((deal) => (deal.companyId ? [deal.companyId] : [])))
	]);
	const issues = deals.flatMap((deal, index) => [
		...(deal.contactId && !contacts.has(deal.contactId) ? [{ path: pathOf(index, 'contactId'), message: t(m.error_contact_unknown) }] : []),
		...(deal.companyId && !companies.has(deal.companyId) ? [{ path: pathOf(index, 'companyId'), message: t(m.error_company_unknown) }] : [])
	]);
	if (issues.length > 0) throw unprocessable('unknown_party', atPath(issues[0]!.path, issues[0]!.message), issues);
}

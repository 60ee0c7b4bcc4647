import { generateNKeysBetween } from 'fractional-indexing';
import type * as Y from 'yjs';
import { createDeal, listDealsInStage, listStages, type Clock } from '../../src/lib/model/index.js';
import { generateId } from '../auth/tokens.js';
import { unprocessable, type Issue } from '../http/errors.js';
import { renderText, type Text, t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

/** One deal of a batch, as the API validated it. */
export interface BatchDeal {
	title: string;
	valueMinor: number;
	currency: string;
	stageId?: string;
	ownerId?: string;
	contactId?: string;
	companyId?: string;
	expectedCloseDate?: string;
	firstTask: { type: 'call' | 'meeting' | 'email' | 'todo'; title: string; dueAt: string };
}

/** 422 naming every item whose field is refused, by its index in the batch. */
function refuseItems(code: string, field: string, message: Text, indexes: number[]): never {
	const issues: Issue[] = indexes.map((index) => ({ path: `deals.${index}.${field}`, message }));
	const shown = issues.slice(0, 10).map((issue) => issue.path).join(', ');
	const more = issues.length - 10;
	const summary: Text = (locale) => {
		const items = more > 0 ? m.error_items_and_more({ items: shown, count: more }, { locale }) : shown;
		return `${items}: ${renderText(message, locale)}`;
	};
	throw unprocessable(code, summary, issues);
}

/** Every owner named in the batch must be a member of the workspace; nothing is created otherwise. */
export function assertBatchOwners(deals: BatchDeal[], memberIds: ReadonlySet<string>): void {
	const bad = deals.flatMap((deal, index) => (deal.ownerId !== undefined && !memberIds.has(deal.ownerId) ? [index] : []));
	if (bad.length > 0) refuseItems('unknown_owner', 'ownerId', t(m.error_not_member), bad);
}

/**
 * Creates the deals with their first tasks on the board, in the caller's one
 * transaction, and returns their ids in the order given. Each deal goes to
 * the top of its column (the board's first open stage when none is named),
 * the batch in its own order above the deals already there: the column's top
 * is read once per column, not once per deal.
 */
export function createDealsOnBoard(doc: Y.Doc, deals: BatchDeal[], defaultOwnerId: string, clock: Clock): Array<{ id: string; taskId: string }> {
	const open = listStages(doc).filter((stage) => stage.kind === 'open');
	const openIds = new Set(open.map((stage) => stage.id));
	const stageIds = deals.map((deal) => deal.stageId ?? open[0]?.id ?? '');
	const bad = stageIds.flatMap((stageId, index) => (openIds.has(stageId) ? [] : [index]));
	if (bad.length > 0) refuseItems('unknown_stage', 'stageId', t(m.error_not_open_stage), bad);

	const ranks = new Map<string, string[]>();
	for (const stageId of new Set(stageIds)) {
		const count = stageIds.filter((id) => id === stageId).length;
		const top = listDealsInStage(doc, stageId)[0]?.rank ?? null;
		ranks.set(stageId, generateNKeysBetween(null, top, count));
	}
	const used = new Map<string, number>();
	return deals.map((deal, index) => {
		const stageId = stageIds[index]!;
		const slot = used.get(stageId) ?? 0;
		used.set(stageId, slot + 1);
		const created = createDeal(
			doc,
			{
				id: generateId(),
				title: deal.title,
				valueMinor: deal.valueMinor,
				currency: deal.currency,
				stageId,
				rank: ranks.get(stageId)![slot]!,
				ownerId: deal.ownerId ?? defaultOwnerId,
				contactId: deal.contactId,
				companyId: deal.companyId,
				expectedCloseDate: deal.expectedCloseDate
			},
			{ id: generateId(), ...deal.firstTask, dueAt: new Date(deal.firstTask.dueAt).toISOString() },
			clock
		);
		return { id: created.deal.id, taskId: created.task.id };
	});
}

import { closeDeal, createDeal, listDealsInStage, listStages, moveDeal, rankBetween, setTaskDone } from '../../src/lib/model/index.js';
import type { Writer } from '../board/writer.js';
import type { Database } from '../db/client.js';
import type { RoomManager } from '../sync/rooms.js';
import { generateId } from '../auth/tokens.js';
import { createParty } from '../contacts/party-store.js';
import { addInteraction } from '../deals/deal-lookup.js';
import { listLostReasons } from '../workspaces/lost-reasons.js';
import type { Role } from '../workspaces/roles.js';
import { generateSampleDeals } from './sample-deals.js';
import { planSampleHistory, type PlannedDeal } from './sample-history.js';
import type { Locale } from '../i18n/locale.js';
import type * as Y from 'yjs';

/** Fills a pipeline's board with sample deals, through its room like any writer. */
export async function seedSampleDeals(
	rooms: RoomManager,
	input: { pipelineId: string; ownerIds: string[]; count: number; writer: Writer; now: Date; seed?: number; locale?: Locale }
): Promise<number> {
	return rooms.withRoom(input.pipelineId, (room) =>
		room.change(input.writer, (doc) => {
			const samples = generateSampleDeals({
				count: input.count,
				stages: listStages(doc),
				ownerIds: input.ownerIds,
				now: input.now,
				seed: input.seed,
				locale: input.locale,
				newId: generateId
			});
			const clock = { now: () => input.now.toISOString() };
			// Ranks are handed out per column here: asking the model for "the top"
			// of a column for each of thousands of deals would scan the board each time.
			const lastRank = new Map<string, string | null>();
			for (const { deal, task } of samples) {
				if (!lastRank.has(deal.stageId)) lastRank.set(deal.stageId, listDealsInStage(doc, deal.stageId).at(-1)?.rank ?? null);
				const rank = rankBetween(lastRank.get(deal.stageId), null);
				lastRank.set(deal.stageId, rank);
				createDeal(doc, { ...deal, rank }, task, clock);
			}
			return samples.length;
		})
	);
}

interface DealState {
	id: string;
	plan: PlannedDeal;
	ownerId: string;
	contactId: string;
	companyId: string;
	/** The deal's one open task, replaced at every step. */
	taskId: string;
}

type Event = { at: Date; deal: DealState; step: 'create' | PlannedDeal['steps'][number] };

/**
 * Writes a sales team's last 90 days into a pipeline (sample-history.ts)
 * the way the team would have: every creation, move, completed task and
 * close is a change of the board by the deal's owner, through its room,
 * under the rules, in time order. Each change carries the time it happened
 * (`room.change(…, { at })`, and the model commands' clock), so the stage
 * history and the projection hold a 90-day past. A day's steps of one owner
 * are one change. Contacts, companies, calls and notes are written through
 * the same modules as the API's, with their times.
 */
export async function seedSampleHistory(
	db: Database,
	rooms: RoomManager,
	input: { workspaceId: string; pipelineId: string; owners: Array<{ userId: string; role: Role }>; count: number; now: Date; seed?: number; locale?: Locale }
): Promise<number> {
	const reasons = (await listLostReasons(db, input.workspaceId)).map((reason) => reason.label);
	return rooms.withRoom(input.pipelineId, async (room) => {
		const plan = planSampleHistory({
			count: input.count,
			stages: listStages(room.doc),
			owners: input.owners.length,
			reasons: reasons.length,
			now: input.now,
			seed: input.seed,
			locale: input.locale
		});
		// One company per name, one contact per deal, as they would have been entered when the deal came in.
		const companyIds = new Map<string, string>();
		const deals: DealState[] = [];
		for (const planned of [...plan].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
			const owner = input.owners[planned.ownerIndex]!;
			let companyId = companyIds.get(planned.company);
			if (!companyId) {
				companyId = (await createParty(db, { workspaceId: input.workspaceId, kind: 'company' }, { name: planned.company, ownerId: owner.userId }, owner.userId, planned.createdAt)).id;
				companyIds.set(planned.company, companyId);
			}
			const contact = await createParty(
				db,
				{ workspaceId: input.workspaceId, kind: 'contact' },
				{ name: planned.person, companyId, ownerId: owner.userId },
				owner.userId,
				planned.createdAt
			);
			deals.push({ id: generateId(), plan: planned, ownerId: owner.userId, contactId: contact.id, companyId, taskId: generateId() });
		}

		const events: Event[] = deals.flatMap((deal) => [
			{ at: deal.plan.createdAt, deal, step: 'create' as const },
			...deal.plan.steps.filter((step) => step.kind !== 'call' && step.kind !== 'note').map((step) => ({ at: step.at, deal, step }))
		]);
		events.sort((a, b) => a.at.getTime() - b.at.getTime());
		// A day's steps of one owner, in one change at the first one's time.
		const groups = new Map<string, Event[]>();
		for (const event of events) {
			const key = `${event.at.toISOString().slice(0, 10)} ${event.deal.ownerId}`;
			groups.set(key, [...(groups.get(key) ?? []), event]);
		}
		for (const group of groups.values()) {
			const at = group[0]!.at;
			const owner = input.owners.find((o) => o.userId === group[0]!.deal.ownerId)!;
			const writer: Writer = { kind: 'member', userId: owner.userId, role: owner.role };
			const clock = { now: () => at.toISOString() };
			await room.change(writer, (doc) => group.forEach((event) => applyStep(doc, event, clock, reasons)), { at });
		}

		for (const deal of deals) {
			for (const step of deal.plan.steps) {
				if (step.kind !== 'call' && step.kind !== 'note') continue;
				await addInteraction(db, { workspaceId: input.workspaceId, dealId: deal.id, kind: step.kind, text: step.text, at: step.at, userId: deal.ownerId });
			}
		}
		return deals.length;
	});
}

function applyStep(doc: Y.Doc, event: Event, clock: { now: () => string }, reasons: string[]): void {
	const { deal, step } = event;
	if (step === 'create') {
		const { plan } = deal;
		createDeal(
			doc,
			{
				id: deal.id,
				title: plan.title,
				valueMinor: plan.valueMinor,
				currency: plan.currency,
				stageId: plan.firstStageId,
				ownerId: deal.ownerId,
				contactId: deal.contactId,
				companyId: deal.companyId,
				expectedCloseDate: plan.expectedCloseDate,
				source: plan.source
			},
			{ id: deal.taskId, type: plan.firstTask.type, title: plan.firstTask.title, dueAt: plan.firstTask.dueAt.toISOString(), assigneeId: deal.ownerId },
			clock
		);
		return;
	}
	if (step.kind === 'move') {
		const next = { id: generateId(), type: step.task.type, title: step.task.title, dueAt: step.dueAt.toISOString(), assigneeId: deal.ownerId };
		setTaskDone(doc, deal.taskId, true, clock, next);
		deal.taskId = next.id;
		moveDeal(doc, deal.id, step.stageId, undefined, clock);
	} else if (step.kind === 'won') closeDeal(doc, deal.id, 'won', {}, clock, [deal.taskId]);
	else if (step.kind === 'lost') closeDeal(doc, deal.id, 'lost', { reason: reasons[step.reasonIndex] }, clock, [deal.taskId]);
}

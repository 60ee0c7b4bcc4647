import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { m } from '../../src/lib/paraglide/messages.js';
import { dealsProjection, type PartyKind } from '../db/schema.js';
import type { JobContext } from '../jobs/scheduler.js';
import { nextWorkingTime } from '../workspaces/working-time.js';
import { runCallStep } from './call-task.js';
import { findParties, partyTables } from './parties.js';
import { choosePipeline, listEnabledProcesses, type EnabledProcess } from './settings.js';
import { currentMembers, localeOf } from './steps.js';

export const atRiskSource = 'at-risk';
const dayMs = 86_400_000;

/** The middle gap between consecutive orders (the mean of the middle two for an even count). */
export function medianGap(wonAt: Date[]): number {
	const sorted = wonAt.map((at) => at.getTime()).sort((a, b) => a - b);
	const gaps = sorted.slice(1).map((at, index) => at - sorted[index]!).sort((a, b) => a - b);
	const middle = Math.floor(gaps.length / 2);
	return gaps.length % 2 === 1 ? gaps[middle]! : (gaps[middle - 1]! + gaps[middle]!) / 2;
}

/**
 * Customers who used to order regularly and stopped: with at least
 * `minOrders` won deals, their usual interval (the median gap, a day at
 * least) has passed `intervals` times since the last one. Each episode
 * flags the record once (at_risk_since) and gives its responsible user one
 * recovery call; the next won deal ends the episode, and a later lapse
 * starts a new one (its key names the last order it counts from).
 */
export async function detectCustomersAtRisk(context: JobContext): Promise<void> {
	for (const workspace of await listEnabledProcesses(context.db, 'at-risk')) {
		await clearRecovered(context, workspace.workspaceId);
		await flagLapsed(context, workspace);
	}
}

async function wonDealsByParty(context: JobContext, workspaceId: string, kind: PartyKind): Promise<Map<string, Date[]>> {
	const column = kind === 'contact' ? dealsProjection.contactId : dealsProjection.companyId;
	const rows = await context.db
		.select({ partyId: column, closedAt: dealsProjection.closedAt })
		.from(dealsProjection)
		.where(and(eq(dealsProjection.workspaceId, workspaceId), eq(dealsProjection.status, 'won'), isNull(dealsProjection.deletedAt), isNotNull(column), isNotNull(dealsProjection.closedAt)));
	const byParty = new Map<string, Date[]>();
	for (const row of rows) byParty.set(row.partyId!, [...(byParty.get(row.partyId!) ?? []), row.closedAt!]);
	return byParty;
}

/** A won deal after the flag ends the episode. */
async function clearRecovered(context: JobContext, workspaceId: string): Promise<void> {
	for (const kind of ['contact', 'company'] as const) {
		const table = partyTables[kind];
		const ofKind = await context.db
			.select({ id: table.id, atRiskSince: table.atRiskSince })
			.from(table)
			.where(and(eq(table.workspaceId, workspaceId), isNotNull(table.atRiskSince)));
		if (ofKind.length === 0) continue;
		const won = await wonDealsByParty(context, workspaceId, kind);
		const recovered = ofKind.filter((party) => (won.get(party.id) ?? []).some((at) => at > party.atRiskSince!)).map((party) => party.id);
		if (recovered.length > 0) await context.db.update(table).set({ atRiskSince: null }).where(and(eq(table.workspaceId, workspaceId), inArray(table.id, recovered)));
	}
}

async function flagLapsed(context: JobContext, workspace: EnabledProcess<'at-risk'>): Promise<void> {
	const { db, now } = context;
	const { intervals, minOrders } = workspace.settings;
	const pipelineId = await choosePipeline(db, workspace.workspaceId, workspace.settings.pipelineId);
	if (!pipelineId) return;
	const customers = await findParties(db, workspace.workspaceId, (table) => and(eq(table.status, 'customer'), isNull(table.atRiskSince), isNotNull(table.ownerId)));
	const members = await currentMembers(db, workspace.workspaceId, customers.map((party) => party.ownerId!));
	const won = { contact: await wonDealsByParty(context, workspace.workspaceId, 'contact'), company: await wonDealsByParty(context, workspace.workspaceId, 'company') };
	for (const party of customers) {
		const orders = won[party.kind].get(party.id) ?? [];
		if (orders.length < minOrders || !members.has(party.ownerId!)) continue;
		const usual = Math.max(medianGap(orders), dayMs);
		const lastOrder = new Date(Math.max(...orders.map((at) => at.getTime())));
		if (now.getTime() - lastOrder.getTime() < usual * intervals) continue;

		const table = partyTables[party.kind];
		// The flag is set first and only where unset: two runs never both start the episode.
		const flagged = await db
			.update(table)
			.set({ atRiskSince: now })
			.where(and(eq(table.id, party.id), isNull(table.atRiskSince)))
			.returning({ id: table.id });
		if (flagged.length === 0) continue;
		const locale = await localeOf(db, party.ownerId!);
		await runCallStep(context, {
			workspaceId: workspace.workspaceId,
			source: atRiskSource,
			key: `${atRiskSource}:${party.kind}:${party.id}:${lastOrder.toISOString()}`,
			pipelineId,
			party: { kind: party.kind, id: party.id, name: party.name, ownerId: party.ownerId! },
			// Today, within working hours: a lapsing customer is called soon, but not at night.
			task: { type: 'call', title: m.process_recovery_task_title({ name: party.name }, { locale }), dueAt: nextWorkingTime(now, workspace.calendar) },
			newDealTitle: m.process_recovery_deal_title({ name: party.name }, { locale }),
			notification: { kind: 'customer_at_risk', params: { name: party.name, usualDays: Math.round(usual / dayMs) } },
			detail: { lastOrderAt: lastOrder.toISOString(), usualDays: Math.round(usual / dayMs), orders: orders.length }
		});
	}
}

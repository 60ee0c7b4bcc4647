import { and, eq, isNotNull } from 'drizzle-orm';
import { m } from '../../src/lib/paraglide/messages.js';
import { logAutomation } from '../automation/automation-log.js';
import type { JobContext } from '../jobs/scheduler.js';
import { lastPeriodDone, markPeriodDone } from '../jobs/job-runs.js';
import { runCallStep } from './call-task.js';
import { findParties, segmentIs } from './parties.js';
import { dueOn, periodsUpTo, todayIn } from './periods.js';
import { choosePipeline, listEnabledProcesses, type CheckInRule, type EnabledProcess } from './settings.js';
import { currentMembers, localeOf } from './steps.js';

export const checkInSource = 'check-in';

/**
 * Recurring check-in calls: each rule gives every customer of its segment a
 * call once per period (month or quarter), due on the rule's day at the
 * start of working hours. After downtime that skipped periods, only the
 * latest one is done: a customer gets one check-in call, never a pile of
 * stale ones; the skipped periods are logged as such.
 */
export async function runCheckIns(context: JobContext): Promise<void> {
	for (const workspace of await listEnabledProcesses(context.db, 'check-in')) {
		for (const rule of workspace.settings.rules) await runCheckInRule(context, workspace, rule);
	}
}

async function runCheckInRule(context: JobContext, workspace: EnabledProcess<'check-in'>, rule: CheckInRule): Promise<void> {
	const { db } = context;
	const segment = rule.segment.toLowerCase();
	const job = `${checkInSource}:${segment}:${rule.interval}`;
	const today = todayIn(context.now, workspace.calendar);
	const recent = periodsUpTo(today, rule.interval, rule.day)(13);
	const current = recent[0]!;
	const last = await lastPeriodDone(db, job, workspace.workspaceId);
	if (last !== null && last >= current.key) return;

	const skipped = last === null ? [] : recent.slice(1).filter((period) => period.key > last).map((period) => period.key);
	if (skipped.length > 0) {
		await logAutomation(db, {
			workspaceId: workspace.workspaceId,
			kind: 'job',
			source: checkInSource,
			outcome: 'skipped',
			detail: { reason: 'missed_periods', segment: rule.segment, periods: skipped.reverse(), doneInstead: current.key },
			key: `${job}:${current.key}:missed`,
			at: context.now
		});
	}

	const pipelineId = await choosePipeline(db, workspace.workspaceId, rule.pipelineId);
	if (pipelineId) {
		const dueAt = dueOn(current.date, context.now, workspace.calendar);
		const customers = await findParties(db, workspace.workspaceId, (table) =>
			and(segmentIs(table, segment), eq(table.status, 'customer'), isNotNull(table.ownerId))
		);
		const members = await currentMembers(db, workspace.workspaceId, customers.map((party) => party.ownerId!));
		for (const party of customers) {
			if (!members.has(party.ownerId!)) continue;
			const locale = await localeOf(db, party.ownerId!);
			await runCallStep(context, {
				workspaceId: workspace.workspaceId,
				source: checkInSource,
				key: `${job}:${current.key}:${party.kind}:${party.id}`,
				pipelineId,
				party: { kind: party.kind, id: party.id, name: party.name, ownerId: party.ownerId! },
				task: { type: rule.type, title: rule.title, dueAt },
				newDealTitle: m.process_checkin_deal_title({ name: party.name }, { locale }),
				notification: { kind: 'task_assigned', params: { name: party.name } },
				detail: { segment: rule.segment, period: current.key }
			});
		}
	}
	await markPeriodDone(db, job, workspace.workspaceId, current.key, context.now);
}

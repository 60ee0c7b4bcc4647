import { and, isNotNull, sql } from 'drizzle-orm';
import { m } from '../../src/lib/paraglide/messages.js';
import { contacts } from '../db/schema.js';
import type { JobContext } from '../jobs/scheduler.js';
import { lastPeriodDone, markPeriodDone } from '../jobs/job-runs.js';
import { runCallStep } from './call-task.js';
import { datesSince, dueOn, todayIn } from './periods.js';
import { choosePipeline, listEnabledProcesses } from './settings.js';
import { currentMembers, localeOf } from './steps.js';

export const birthdaySource = 'birthday';
// A greeting a day or two late still counts; a week late it is better left out.
const catchUpDays = 3;

/** Whether a date is a birthday of someone born on `month`-`day` (29 February falls on the 28th in other years). */
function birthdaysOn(date: string): string[] {
	const [year, month, day] = date.split('-').map(Number) as [number, number, number];
	const monthDay = date.slice(5);
	const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
	return month === 2 && day === 28 && !leap ? [monthDay, '02-29'] : [monthDay];
}

/**
 * A greeting task for each contact's birthday, for their responsible user,
 * on the day in the workspace's time zone; once per contact per year. Days
 * missed while the server was down are caught up, up to a few days back.
 */
export async function createBirthdayTasks(context: JobContext): Promise<void> {
	const { db } = context;
	for (const workspace of await listEnabledProcesses(db, 'birthday')) {
		const today = todayIn(context.now, workspace.calendar);
		const last = await lastPeriodDone(db, birthdaySource, workspace.workspaceId);
		const pipelineId = await choosePipeline(db, workspace.workspaceId, workspace.settings.pipelineId);
		if (!pipelineId) continue;
		for (const date of datesSince(last, today, catchUpDays)) {
			const people = await db
				.select({ id: contacts.id, name: contacts.name, ownerId: contacts.ownerId })
				.from(contacts)
				.where(
					and(
						sql`${contacts.workspaceId} = ${workspace.workspaceId}`,
						sql`${contacts.deletedAt} is null`,
						isNotNull(contacts.ownerId),
						sql`to_char(${contacts.birthday}, 'MM-DD') in (${sql.join(birthdaysOn(date).map((day) => sql`${day}`), sql`, `)})`
					)
				);
			const members = await currentMembers(db, workspace.workspaceId, people.map((person) => person.ownerId!));
			for (const person of people) {
				if (!members.has(person.ownerId!)) continue;
				const locale = await localeOf(db, person.ownerId!);
				await runCallStep(context, {
					workspaceId: workspace.workspaceId,
					source: birthdaySource,
					key: `${birthdaySource}:${person.id}:${date.slice(0, 4)}`,
					pipelineId,
					party: { kind: 'contact', id: person.id, name: person.name, ownerId: person.ownerId! },
					task: { type: 'call', title: m.process_birthday_task_title({ name: person.name }, { locale }), dueAt: dueOn(date, context.now, workspace.calendar) },
					newDealTitle: m.process_birthday_deal_title({ name: person.name }, { locale }),
					notification: { kind: 'task_assigned', params: { name: person.name } },
					detail: { birthday: date }
				});
			}
			await markPeriodDone(db, birthdaySource, workspace.workspaceId, date, context.now);
		}
	}
}

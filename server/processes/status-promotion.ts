import { and, eq, exists, isNull } from 'drizzle-orm';
import { logAutomation } from '../automation/automation-log.js';
import { dealsProjection } from '../db/schema.js';
import type { JobContext } from '../jobs/scheduler.js';
import { partyTables } from './parties.js';
import { listEnabledProcesses } from './settings.js';

export const promotionSource = 'status-promotion';

/**
 * A potential client becomes a customer on their first won deal (a contact
 * through the deal's contact, a company through its company). A job reading
 * the projection, every run, rather than a hook on every way a deal can be
 * won (board, API, import, another node): the update is its own guard, so it
 * happens once however often it runs.
 */
export async function promoteCustomers(context: JobContext): Promise<void> {
	const { db } = context;
	for (const workspace of await listEnabledProcesses(db, 'status-promotion')) {
		for (const kind of ['contact', 'company'] as const) {
			const table = partyTables[kind];
			const partyColumn = kind === 'contact' ? dealsProjection.contactId : dealsProjection.companyId;
			const won = db
				.select({ id: dealsProjection.id })
				.from(dealsProjection)
				.where(
					and(
						eq(dealsProjection.workspaceId, workspace.workspaceId),
						eq(partyColumn, table.id),
						eq(dealsProjection.status, 'won'),
						isNull(dealsProjection.deletedAt)
					)
				);
			const promoted = await db
				.update(table)
				.set({ status: 'customer', updatedAt: context.now })
				.where(and(eq(table.workspaceId, workspace.workspaceId), eq(table.status, 'potential'), isNull(table.deletedAt), exists(won)))
				.returning({ id: table.id, name: table.name });
			for (const party of promoted) {
				await logAutomation(db, {
					workspaceId: workspace.workspaceId,
					kind: 'job',
					source: promotionSource,
					outcome: 'done',
					contactId: kind === 'contact' ? party.id : null,
					detail: { party: { kind, id: party.id, name: party.name }, from: 'potential', to: 'customer' },
					at: context.now
				});
			}
		}
	}
}

import type { Role } from '../../server/workspaces/roles.js';
import type { Member, WorkspaceFixture } from './two-workspaces.js';

/**
 * What a route acts on. Workspace-scoped routes (`workspace`, `pipeline`,
 * `deal`, `task`) must refuse anyone outside the target workspace; `account`
 * routes act only on the caller's own account; `capability` routes take a
 * secret link (an invite) instead of a membership; `public` ones need nothing.
 */
export type RouteScope = 'workspace' | 'pipeline' | 'deal' | 'task' | 'party' | 'account' | 'capability' | 'public';

export interface RouteRequest {
	path: string;
	json?: unknown;
	/** A multipart form instead of JSON; its `file` is sent as a CSV file. */
	form?: Record<string, string>;
}

export interface RouteCase {
	scope: RouteScope;
	/** Changes something: viewers, and roles below minRole, must be refused. */
	write: boolean;
	/** The least workspace role that may call it. */
	minRole?: Role;
	/** A request that passes validation, aimed at `target`'s things, sent as `caller`. */
	request: (target: WorkspaceFixture, caller: Member) => RouteRequest;
}

const later = '2030-02-01T09:00:00Z';

/**
 * Every route of the API, keyed like the OpenAPI document ("METHOD /api/path").
 * Tests enumerate the document and fail on a route missing here, so a new
 * route cannot escape the isolation matrix and the fuzzer.
 */
const importForm = { file: 'Name;Phone\nPlanted import;+7 912 000-00-02\n', entity: 'contacts', mapping: JSON.stringify({ Name: 'name', Phone: 'phone' }), dryRun: 'true' };

export const routeTable: Record<string, RouteCase> = {
	'POST /api/workspaces/{workspaceId}/imports/preview': {
		scope: 'workspace',
		write: false,
		minRole: 'manager',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/imports/preview`, form: { file: importForm.file, entity: 'contacts' } })
	},
	'POST /api/workspaces/{workspaceId}/imports': {
		scope: 'workspace',
		write: true,
		minRole: 'manager',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/imports`, form: importForm })
	},
	'GET /api/workspaces/{workspaceId}/imports': {
		scope: 'workspace',
		write: false,
		minRole: 'manager',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/imports` })
	},
	'GET /api/imports/{importId}': { scope: 'workspace', write: false, minRole: 'manager', request: (t) => ({ path: `/api/imports/${t.importId}` }) },
	'GET /api/workspaces/{workspaceId}/contacts/export': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/contacts/export?q=secret&sort=name&order=asc` })
	},
	'GET /api/workspaces/{workspaceId}/companies/export': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/companies/export?status=potential` })
	},
	'GET /api/pipelines/{pipelineId}/reports/funnel': {
		scope: 'pipeline',
		write: false,
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/reports/funnel?from=2029-01-01&to=2030-12-31` })
	},
	'GET /api/pipelines/{pipelineId}/reports/lost': {
		scope: 'pipeline',
		write: false,
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/reports/lost?from=2029-01-01&to=2030-12-31` })
	},
	'GET /api/pipelines/{pipelineId}/reports/time-in-stage': {
		scope: 'pipeline',
		write: false,
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/reports/time-in-stage?from=2029-01-01&to=2030-12-31` })
	},
	'GET /api/pipelines/{pipelineId}/reports/activity': {
		scope: 'pipeline',
		write: false,
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/reports/activity?from=2029-01-01&to=2030-12-31` })
	},
	'GET /api/pipelines/{pipelineId}/reports/dynamics': {
		scope: 'pipeline',
		write: false,
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/reports/dynamics?from=2030-01-01&to=2030-03-31&by=week` })
	},
	'GET /api/pipelines/{pipelineId}/reports/forecast': {
		scope: 'pipeline',
		write: false,
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/reports/forecast` })
	},
	'GET /api/pipelines/{pipelineId}/reports/summary': {
		scope: 'pipeline',
		write: false,
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/reports/summary?from=2029-01-01&to=2030-12-31` })
	},
	'GET /api/pipelines/{pipelineId}/reports/results': {
		scope: 'pipeline',
		write: false,
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/reports/results?month=2030-01` })
	},
	'GET /api/workspaces/{workspaceId}/targets': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/targets?month=2030-01` })
	},
	'PUT /api/workspaces/{workspaceId}/targets': {
		scope: 'workspace',
		write: true,
		minRole: 'manager',
		request: (t, caller) => ({ path: `/api/workspaces/${t.workspaceId}/targets`, json: { month: '2030-01', targets: [{ userId: caller.userId, target: { wonDeals: 3, revenueMinor: 100000, currency: 'EUR' } }] } })
	},
	'GET /api/pipelines/{pipelineId}/deals/export': {
		scope: 'pipeline',
		write: false,
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/deals/export?status=open&sort=title` })
	},
	'POST /api/auth/signup': {
		scope: 'public',
		write: true,
		request: () => ({ path: '/api/auth/signup', json: { email: 'new.person@example.com', password: 'plum-orchard-tuesday-42', name: 'New', workspaceName: 'New' } })
	},
	'POST /api/auth/login': {
		scope: 'public',
		write: true,
		request: () => ({ path: '/api/auth/login', json: { email: 'nobody@example.com', password: 'plum-orchard-tuesday-42' } })
	},
	'POST /api/auth/logout': { scope: 'account', write: true, request: () => ({ path: '/api/auth/logout' }) },
	'GET /api/auth/password-reset/{token}': {
		scope: 'capability',
		write: false,
		request: () => ({ path: `/api/auth/password-reset/${'guessed'.repeat(5)}` })
	},
	'POST /api/auth/password-reset/{token}': {
		scope: 'capability',
		write: true,
		request: () => ({ path: `/api/auth/password-reset/${'guessed'.repeat(5)}`, json: { password: 'another-orchard-99' } })
	},
	'GET /api/me': { scope: 'account', write: false, request: () => ({ path: '/api/me' }) },
	'PATCH /api/me': { scope: 'account', write: true, request: () => ({ path: '/api/me', json: { name: 'Renamed' } }) },
	'POST /api/me/password': {
		scope: 'account',
		write: true,
		request: () => ({ path: '/api/me/password', json: { currentPassword: 'wrong-password-123', newPassword: 'another-orchard-99' } })
	},
	'POST /api/workspaces': { scope: 'account', write: true, request: () => ({ path: '/api/workspaces', json: { name: 'Mine' } }) },
	'GET /api/workspaces/{workspaceId}': { scope: 'workspace', write: false, request: (t) => ({ path: `/api/workspaces/${t.workspaceId}` }) },
	'PATCH /api/workspaces/{workspaceId}': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}`, json: { name: 'Taken over', closedDealDays: 1 } })
	},
	'GET /api/workspaces/{workspaceId}/audit': {
		scope: 'workspace',
		write: false,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/audit` })
	},
	'POST /api/workspaces/{workspaceId}/members/{userId}/password-reset': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/members/${t.members.rep.userId}/password-reset` })
	},
	'GET /api/workspaces/{workspaceId}/members': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/members` })
	},
	'PATCH /api/workspaces/{workspaceId}/members/{userId}': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/members/${t.members.rep.userId}`, json: { role: 'manager' } })
	},
	'DELETE /api/workspaces/{workspaceId}/members/{userId}': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t, caller) => {
			// Anyone may leave: aim at someone else than the caller.
			const victim = caller.userId === t.members.rep.userId ? t.members.viewer : t.members.rep;
			return { path: `/api/workspaces/${t.workspaceId}/members/${victim.userId}` };
		}
	},
	'GET /api/workspaces/{workspaceId}/invites': {
		scope: 'workspace',
		write: false,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/invites` })
	},
	'POST /api/workspaces/{workspaceId}/invites': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/invites`, json: { role: 'viewer' } })
	},
	'DELETE /api/workspaces/{workspaceId}/invites/{inviteId}': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/invites/${t.inviteId}` })
	},
	'GET /api/invites/{token}': { scope: 'capability', write: false, request: (t) => ({ path: `/api/invites/${t.inviteToken}` }) },
	'POST /api/invites/{token}/accept': { scope: 'capability', write: true, request: (t) => ({ path: `/api/invites/${t.inviteToken}/accept` }) },
	'GET /api/workspaces/{workspaceId}/notifications': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/notifications?unread=true&limit=5` })
	},
	// Marks only the caller's own read state: every member, viewers too, may.
	'POST /api/workspaces/{workspaceId}/notifications/read-all': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/notifications/read-all` })
	},
	// Another user's notification answers like a missing one (tests/integration/notifications.test.ts).
	'POST /api/notifications/{notificationId}/read': { scope: 'account', write: true, request: () => ({ path: '/api/notifications/nosuchnotification/read' }) },
	'GET /api/me/notification-preferences': { scope: 'account', write: false, request: () => ({ path: '/api/me/notification-preferences' }) },
	'PUT /api/me/notification-preferences': {
		scope: 'account',
		write: true,
		request: () => ({ path: '/api/me/notification-preferences', json: { preferences: [{ kind: 'mention', inApp: true, push: false }] } })
	},
	'GET /api/push/key': { scope: 'account', write: false, request: () => ({ path: '/api/push/key' }) },
	'POST /api/me/push-subscriptions': {
		scope: 'account',
		write: true,
		request: () => ({
			path: '/api/me/push-subscriptions',
			json: { endpoint: 'https://push.example.com/send/abc', keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' } }
		})
	},
	'DELETE /api/me/push-subscriptions': {
		scope: 'account',
		write: true,
		request: () => ({ path: `/api/me/push-subscriptions?endpoint=${encodeURIComponent('https://push.example.com/send/abc')}` })
	},
	'GET /api/me/calendar': { scope: 'account', write: false, request: () => ({ path: '/api/me/calendar' }) },
	'POST /api/me/calendar/reset': { scope: 'account', write: true, request: () => ({ path: '/api/me/calendar/reset' }) },
	'GET /api/calendar/{feed}': { scope: 'capability', write: false, request: () => ({ path: '/api/calendar/nosuchfeed.ics' }) },
	'GET /api/tokens': { scope: 'account', write: false, request: () => ({ path: '/api/tokens' }) },
	'POST /api/tokens': { scope: 'account', write: true, request: () => ({ path: '/api/tokens', json: { name: 'script' } }) },
	'DELETE /api/tokens/{tokenId}': {
		scope: 'account',
		write: true,
		// Someone else's token: only its owner may revoke it.
		request: (t) => ({ path: `/api/tokens/${t.ownerTokenId}` })
	},
	'GET /api/workspaces/{workspaceId}/pipelines': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/pipelines` })
	},
	'GET /api/workspaces/{workspaceId}/pipelines/archived': {
		scope: 'workspace',
		write: false,
		minRole: 'manager',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/pipelines/archived` })
	},
	'POST /api/workspaces/{workspaceId}/pipelines': {
		scope: 'workspace',
		write: true,
		minRole: 'manager',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/pipelines`, json: { name: 'Planted', mode: 'strict' } })
	},
	'POST /api/pipelines/{pipelineId}/deals': {
		scope: 'pipeline',
		write: true,
		minRole: 'rep',
		request: (t) => ({
			path: `/api/pipelines/${t.pipelineId}/deals`,
			json: { title: 'Planted deal', valueMinor: 1, currency: 'EUR', firstTask: { type: 'call', title: 'Call', dueAt: later } }
		})
	},
	'POST /api/pipelines/{pipelineId}/deals/batch': {
		scope: 'pipeline',
		write: true,
		minRole: 'rep',
		request: (t) => ({
			path: `/api/pipelines/${t.pipelineId}/deals/batch`,
			json: { deals: [{ title: 'Planted batch deal', valueMinor: 1, currency: 'EUR', firstTask: { type: 'call', title: 'Call', dueAt: later } }] }
		})
	},
	'GET /api/pipelines/{pipelineId}/deals': {
		scope: 'pipeline',
		write: false,
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/deals?q=deal&sort=value&order=desc&limit=10` })
	},
	'POST /api/workspaces/{workspaceId}/sample-data': {
		scope: 'workspace',
		write: true,
		minRole: 'manager',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/sample-data`, json: { pipelineId: t.pipelineId, count: 2 } })
	},
	'POST /api/pipelines/{pipelineId}/deals/bulk': {
		scope: 'pipeline',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/deals/bulk`, json: { dealIds: [t.dealId], changes: { stageId: t.stageIds[0] } } })
	},
	'GET /api/pipelines/{pipelineId}': { scope: 'pipeline', write: false, request: (t) => ({ path: `/api/pipelines/${t.pipelineId}` }) },
	'PATCH /api/pipelines/{pipelineId}': {
		scope: 'pipeline',
		write: true,
		minRole: 'manager',
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}`, json: { name: 'Taken over', archived: true } })
	},
	'GET /api/pipelines/{pipelineId}/members': {
		scope: 'pipeline',
		write: false,
		minRole: 'manager',
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/members` })
	},
	'PUT /api/pipelines/{pipelineId}/members': {
		scope: 'pipeline',
		write: true,
		minRole: 'manager',
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/members`, json: { userIds: [] } })
	},
	'GET /api/workspaces/{workspaceId}/contacts': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/contacts?q=a&sort=updatedAt&order=desc&limit=10&offset=0` })
	},
	'POST /api/workspaces/{workspaceId}/contacts': {
		scope: 'workspace',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/contacts`, json: { name: 'Planted contact', phones: ['+7 999 000-11-22'], force: true } })
	},
	'POST /api/workspaces/{workspaceId}/contacts/duplicates': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/contacts/duplicates`, json: { name: 'Planted contact', phones: ['+7 999 000-11-22'] } })
	},
	'POST /api/workspaces/{workspaceId}/parties/names': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/parties/names`, json: { contactIds: [t.contactId], companyIds: [] } })
	},
	'GET /api/contacts/{id}': { scope: 'party', write: false, request: (t) => ({ path: `/api/contacts/${t.contactId}` }) },
	'PATCH /api/contacts/{id}': {
		scope: 'party',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/contacts/${t.contactId}`, json: { name: 'Taken over', force: true } })
	},
	'DELETE /api/contacts/{id}': { scope: 'party', write: true, minRole: 'rep', request: (t) => ({ path: `/api/contacts/${t.contactId}` }) },
	'POST /api/contacts/{id}/restore': { scope: 'party', write: true, minRole: 'rep', request: (t) => ({ path: `/api/contacts/${t.contactId}/restore` }) },
	'POST /api/contacts/{id}/merge': {
		scope: 'party',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/contacts/${t.contactId}/merge`, json: { otherId: t.otherContactId } })
	},
	'GET /api/contacts/{id}/timeline': { scope: 'party', write: false, request: (t) => ({ path: `/api/contacts/${t.contactId}/timeline?limit=5` }) },
	'POST /api/contacts/{id}/interactions': {
		scope: 'party',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/contacts/${t.contactId}/interactions`, json: { kind: 'call', text: 'Planted call' } })
	},
	'GET /api/workspaces/{workspaceId}/companies': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/companies?q=a&sort=updatedAt&order=desc&limit=10&offset=0` })
	},
	'POST /api/workspaces/{workspaceId}/companies': {
		scope: 'workspace',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/companies`, json: { name: 'Planted company', taxId: '7707083893', force: true } })
	},
	'POST /api/workspaces/{workspaceId}/companies/duplicates': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/companies/duplicates`, json: { name: 'Planted company', taxId: '7707083893' } })
	},
	'GET /api/companies/{id}': { scope: 'party', write: false, request: (t) => ({ path: `/api/companies/${t.companyId}` }) },
	'PATCH /api/companies/{id}': {
		scope: 'party',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/companies/${t.companyId}`, json: { name: 'Taken over', force: true } })
	},
	'DELETE /api/companies/{id}': { scope: 'party', write: true, minRole: 'rep', request: (t) => ({ path: `/api/companies/${t.companyId}` }) },
	'POST /api/companies/{id}/restore': { scope: 'party', write: true, minRole: 'rep', request: (t) => ({ path: `/api/companies/${t.companyId}/restore` }) },
	'POST /api/companies/{id}/merge': {
		scope: 'party',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/companies/${t.companyId}/merge`, json: { otherId: t.otherCompanyId } })
	},
	'GET /api/companies/{id}/timeline': { scope: 'party', write: false, request: (t) => ({ path: `/api/companies/${t.companyId}/timeline?limit=5` }) },
	'POST /api/companies/{id}/interactions': {
		scope: 'party',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/companies/${t.companyId}/interactions`, json: { kind: 'call', text: 'Planted call' } })
	},
	'GET /api/workspaces/{workspaceId}/search': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/search?q=secret` })
	},
	'POST /api/workspaces/{workspaceId}/links': {
		scope: 'workspace',
		write: true,
		minRole: 'rep',
		request: (t) => ({
			path: `/api/workspaces/${t.workspaceId}/links`,
			json: { fromKind: 'contact', fromId: t.contactId, toKind: 'company', toId: t.companyId, relation: 'Planted link' }
		})
	},
	'DELETE /api/workspaces/{workspaceId}/links/{linkId}': {
		scope: 'workspace',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/links/${t.linkId}` })
	},
	'GET /api/deals/{dealId}': { scope: 'deal', write: false, request: (t) => ({ path: `/api/deals/${t.dealId}` }) },
	'PATCH /api/deals/{dealId}': {
		scope: 'deal',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/deals/${t.dealId}`, json: { title: 'Taken over', valueMinor: 1 } })
	},
	'DELETE /api/deals/{dealId}': { scope: 'deal', write: true, minRole: 'rep', request: (t) => ({ path: `/api/deals/${t.dealId}` }) },
	'POST /api/deals/{dealId}/restore': { scope: 'deal', write: true, minRole: 'rep', request: (t) => ({ path: `/api/deals/${t.dealId}/restore` }) },
	'POST /api/deals/{dealId}/move': {
		scope: 'deal',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/deals/${t.dealId}/move`, json: { stageId: t.stageIds[0] } })
	},
	'POST /api/deals/{dealId}/close': {
		scope: 'deal',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/deals/${t.dealId}/close`, json: { outcome: 'won' } })
	},
	'POST /api/deals/{dealId}/reopen': {
		scope: 'deal',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/deals/${t.lostDealId}/reopen`, json: { task: { type: 'call', title: 'Try again', dueAt: later } } })
	},
	'POST /api/deals/{dealId}/tasks': {
		scope: 'deal',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/deals/${t.dealId}/tasks`, json: { type: 'todo', title: 'Planted task', dueAt: later } })
	},
	'POST /api/deals/{dealId}/interactions': {
		scope: 'deal',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/deals/${t.dealId}/interactions`, json: { kind: 'note', text: 'Planted note' } })
	},
	'PATCH /api/tasks/{taskId}': {
		scope: 'task',
		write: true,
		minRole: 'rep',
		request: (t) => ({ path: `/api/tasks/${t.taskId}`, json: { title: 'Taken over', dueAt: later } })
	},
	'GET /api/workspaces/{workspaceId}/my-tasks': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/my-tasks` })
	},
	'GET /api/workspaces/{workspaceId}/my-tasks/overdue': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/my-tasks/overdue` })
	},
	'GET /api/workspaces/{workspaceId}/team-tasks': {
		scope: 'workspace',
		write: false,
		minRole: 'manager',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/team-tasks` })
	},
	'POST /api/workspaces/{workspaceId}/team-tasks/reassign': {
		scope: 'workspace',
		write: true,
		minRole: 'manager',
		request: (t, caller) => ({ path: `/api/workspaces/${t.workspaceId}/team-tasks/reassign`, json: { taskIds: [t.taskId], assigneeId: caller.userId } })
	},
	'GET /api/workspaces/{workspaceId}/panel': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/panel` })
	},
	'GET /api/workspaces/{workspaceId}/lost-reasons': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/lost-reasons` })
	},
	'PUT /api/workspaces/{workspaceId}/lost-reasons': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/lost-reasons`, json: { labels: ['Planted'] } })
	},
	'GET /api/workspaces/{workspaceId}/fields': {
		scope: 'workspace',
		write: false,
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/fields?entity=deal` })
	},
	'POST /api/workspaces/{workspaceId}/fields': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/fields`, json: { entity: 'contact', label: 'Planted', type: 'text' } })
	},
	'PATCH /api/fields/{fieldId}': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/fields/${t.fieldId}`, json: { label: 'Taken over' } })
	},
	'DELETE /api/fields/{fieldId}': { scope: 'workspace', write: true, minRole: 'admin', request: (t) => ({ path: `/api/fields/${t.fieldId}` }) },
	'GET /api/pipelines/{pipelineId}/forms': { scope: 'pipeline', write: false, minRole: 'admin', request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/forms` }) },
	'POST /api/pipelines/{pipelineId}/forms': {
		scope: 'pipeline',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/forms`, json: { name: 'Planted form', stageId: t.stageIds[0] } })
	},
	'GET /api/forms/{formId}': { scope: 'workspace', write: false, minRole: 'admin', request: (t) => ({ path: `/api/forms/${t.formId}` }) },
	'PATCH /api/forms/{formId}': { scope: 'workspace', write: true, minRole: 'admin', request: (t) => ({ path: `/api/forms/${t.formId}`, json: { name: 'Taken over' } }) },
	'DELETE /api/forms/{formId}': { scope: 'workspace', write: true, minRole: 'admin', request: (t) => ({ path: `/api/forms/${t.formId}` }) },
	'GET /api/forms/{formId}/log': { scope: 'workspace', write: false, minRole: 'admin', request: (t) => ({ path: `/api/forms/${t.formId}/log?limit=10` }) },
	'GET /api/pipelines/{pipelineId}/webhooks': { scope: 'pipeline', write: false, minRole: 'admin', request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/webhooks` }) },
	'POST /api/pipelines/{pipelineId}/webhooks': {
		scope: 'pipeline',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/webhooks`, json: { name: 'Planted webhook', stageId: t.stageIds[0] } })
	},
	'PATCH /api/webhooks/{webhookId}': { scope: 'workspace', write: true, minRole: 'admin', request: (t) => ({ path: `/api/webhooks/${t.webhookId}`, json: { name: 'Taken over' } }) },
	'POST /api/webhooks/{webhookId}/secret': { scope: 'workspace', write: true, minRole: 'admin', request: (t) => ({ path: `/api/webhooks/${t.webhookId}/secret` }) },
	'GET /api/pipelines/{pipelineId}/routing': { scope: 'pipeline', write: false, minRole: 'manager', request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/routing` }) },
	'GET /api/workspaces/{workspaceId}/members/{userId}/availability': {
		scope: 'workspace',
		write: false,
		minRole: 'rep',
		request: (t, caller) => ({ path: `/api/workspaces/${t.workspaceId}/members/${caller.userId}/availability` })
	},
	// Reps mark themselves away; managers and admins mark anyone.
	'PUT /api/workspaces/{workspaceId}/members/{userId}/availability': {
		scope: 'workspace',
		write: true,
		minRole: 'rep',
		request: (t, caller) => ({ path: `/api/workspaces/${t.workspaceId}/members/${caller.userId}/availability`, json: { available: true } })
	},
	'GET /api/pipelines/{pipelineId}/stage-rules': {
		scope: 'pipeline',
		write: false,
		request: (t) => ({ path: `/api/pipelines/${t.pipelineId}/stage-rules` })
	},
	'PUT /api/pipelines/{pipelineId}/stages/{stageId}/rules': {
		scope: 'pipeline',
		write: true,
		minRole: 'admin',
		request: (t) => ({
			path: `/api/pipelines/${t.pipelineId}/stages/${t.stageIds[1]}/rules`,
			json: { rules: [{ title: 'Planted rule', type: 'call', dueAmount: 1, dueUnit: 'days', assigneeId: null }] }
		})
	},
	'GET /api/workspaces/{workspaceId}/stage-rules': {
		scope: 'workspace',
		write: false,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/stage-rules` })
	},
	'GET /api/workspaces/{workspaceId}/stage-rules/log': {
		scope: 'workspace',
		write: false,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/stage-rules/log?limit=10` })
	},
	'GET /api/workspaces/{workspaceId}/processes': {
		scope: 'workspace',
		write: false,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/processes` })
	},
	'PUT /api/workspaces/{workspaceId}/processes/{process}': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/processes/escalation`, json: { enabled: false, settings: { afterHours: 48 } } })
	},
	'GET /api/workspaces/{workspaceId}/processes/log': {
		scope: 'workspace',
		write: false,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/processes/log?limit=5` })
	},
	'PUT /api/workspaces/{workspaceId}/members/{userId}/reports-to': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/members/${t.members.rep.userId}/reports-to`, json: { reportsTo: t.members.manager.userId } })
	},
	'DELETE /api/workspaces/{workspaceId}/members/{userId}/reports-to': {
		scope: 'workspace',
		write: true,
		minRole: 'admin',
		request: (t) => ({ path: `/api/workspaces/${t.workspaceId}/members/${t.members.rep.userId}/reports-to` })
	}
};

/** "METHOD /api/path" for every operation of the OpenAPI document. */
export function routesOfDocument(document: { paths: Record<string, Record<string, unknown>> }): string[] {
	const methods = ['get', 'post', 'put', 'patch', 'delete'];
	return Object.entries(document.paths).flatMap(([path, operations]) =>
		Object.keys(operations)
			.filter((method) => methods.includes(method))
			.map((method) => `${method.toUpperCase()} ${path}`)
	);
}

export function methodOf(key: string): string {
	return key.split(' ')[0]!;
}

export const isWorkspaceScoped = (scope: RouteScope) => scope === 'workspace' || scope === 'pipeline' || scope === 'deal' || scope === 'task' || scope === 'party';

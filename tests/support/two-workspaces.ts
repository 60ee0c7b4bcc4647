import { addMember, callApi, eventually, signUpOwner } from './sync-server.js';

export const memberRoles = ['owner', 'admin', 'manager', 'rep', 'viewer'] as const;
export type MemberRole = (typeof memberRoles)[number];

export interface Member {
	role: MemberRole;
	userId: string;
	token: string;
}

/** One workspace of the isolation world: its members by role and the ids of what it holds. */
export interface WorkspaceFixture {
	workspaceId: string;
	members: Record<MemberRole, Member>;
	pipelineId: string;
	stageIds: string[];
	/** A second pipeline limited to its listed members (the manager only). */
	privatePipelineId: string;
	dealId: string;
	taskId: string;
	/** A deal closed as lost, with its task done. */
	lostDealId: string;
	inviteId: string;
	inviteToken: string;
	/** An API token id of the owner, to try revoking it from elsewhere. */
	ownerTokenId: string;
	/** Contacts and companies owned by the rep, the first of each linked to its "other". */
	contactId: string;
	otherContactId: string;
	companyId: string;
	otherCompanyId: string;
	linkId: string;
	/** A finished dry-run import of contacts, started by the manager. */
	importId: string;
	/** A custom choice field of deals. */
	fieldId: string;
	/** A web form and an inbound webhook of the pipeline. */
	formId: string;
	webhookId: string;
}

export type Api = (method: string, path: string, token: string, json?: unknown, form?: Record<string, string>) => Promise<{ status: number; body: any }>;

export function apiOver(baseUrl: string): Api {
	return (method, path, token, json, form) => callApi(baseUrl, method, path, { token, json, form });
}

async function expectStatus<T = any>(response: Promise<{ status: number; body: T }>, status: number, what: string): Promise<T> {
	const answer = await response;
	if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
	return answer.body;
}

/**
 * Builds a workspace with one member of each role, two pipelines, an open deal
 * that moved a stage and has two tasks and a timeline entry, a lost deal, an
 * active invite and the default lost reasons; waits until the projection has it.
 */
export async function buildWorkspace(baseUrl: string, label: string): Promise<WorkspaceFixture> {
	const api = apiOver(baseUrl);
	const owner = await signUpOwner(baseUrl);
	const members = { owner: { role: 'owner', userId: owner.userId, token: owner.token } } as Record<MemberRole, Member>;
	for (const role of memberRoles.slice(1)) members[role] = { role, ...(await addMember(baseUrl, owner.token, owner.workspaceId, role)) };
	const w = owner.workspaceId;
	await expectStatus(api('PATCH', `/api/workspaces/${w}`, owner.token, { name: `${label} workspace` }), 200, 'rename');
	const stageIds = owner.pipeline.stages.map((stage) => stage.id);
	const openStages = owner.pipeline.stages.filter((stage) => stage.kind === 'open').map((stage) => stage.id);
	const rep = members.rep;
	const newDeal = (title: string) =>
		expectStatus(
			api('POST', `/api/pipelines/${owner.pipeline.id}/deals`, rep.token, {
				title,
				valueMinor: 1000,
				currency: 'EUR',
				firstTask: { type: 'call', title: `${label} first call`, dueAt: '2030-01-01T10:00:00Z' }
			}),
			201,
			'create deal'
		);
	const created = await newDeal(`${label} open deal`);
	const dealId = created.deal.id as string;
	await expectStatus(api('POST', `/api/deals/${dealId}/move`, rep.token, { stageId: openStages[1] }), 200, 'move');
	const task = await expectStatus(
		api('POST', `/api/deals/${dealId}/tasks`, rep.token, { type: 'email', title: `${label} send proposal`, dueAt: '2030-01-02T10:00:00Z' }),
		201,
		'add task'
	);
	await expectStatus(api('POST', `/api/deals/${dealId}/interactions`, rep.token, { kind: 'note', text: `${label} secret note` }), 201, 'note');
	const lost = await newDeal(`${label} lost deal`);
	await expectStatus(
		api('POST', `/api/deals/${lost.deal.id}/close`, rep.token, { outcome: 'lost', reason: 'No budget', completeTaskIds: [lost.task.id] }),
		200,
		'close'
	);
	const privatePipeline = await expectStatus(api('POST', `/api/workspaces/${w}/pipelines`, owner.token, { name: `${label} renewals` }), 201, 'pipeline');
	await expectStatus(api('PATCH', `/api/pipelines/${privatePipeline.id}`, owner.token, { access: 'members' }), 200, 'access');
	await expectStatus(api('PUT', `/api/pipelines/${privatePipeline.id}/members`, owner.token, { userIds: [members.manager.userId] }), 200, 'listed');
	const invite = await expectStatus(api('POST', `/api/workspaces/${w}/invites`, owner.token, { role: 'rep', maxUses: 5 }), 201, 'invite');
	const tokens = await expectStatus(api('GET', '/api/tokens', owner.token), 200, 'tokens');
	const party = (plural: string, json: unknown) => expectStatus(api('POST', `/api/workspaces/${w}/${plural}`, rep.token, json), 201, plural);
	const company = (await party('companies', { name: `${label} secret company`, taxId: label === 'A' ? '7736207543' : '7707083893' })).company;
	const otherCompany = (await party('companies', { name: `${label} other company`, force: true })).company;
	const contact = (await party('contacts', { name: `${label} secret contact`, phones: ['+7 912 345-67-89'], companyId: company.id })).contact;
	const otherContact = (await party('contacts', { name: `${label} other contact`, emails: [`${label}@example.com`], force: true })).contact;
	const link = await expectStatus(
		api('POST', `/api/workspaces/${w}/links`, rep.token, { fromKind: 'contact', fromId: contact.id, toKind: 'contact', toId: otherContact.id, relation: 'knows' }),
		201,
		'link'
	);
	await expectStatus(api('POST', `/api/contacts/${contact.id}/interactions`, rep.token, { kind: 'note', text: `${label} secret contact note` }), 201, 'contact note');
	const started = await expectStatus(
		api('POST', `/api/workspaces/${w}/imports`, members.manager.token, undefined, {
			file: `Name;Phone\n${label} imported;+7 912 000-00-01\n`,
			entity: 'contacts',
			mapping: JSON.stringify({ Name: 'name', Phone: 'phone' }),
			dryRun: 'true'
		}),
		202,
		'import'
	);
	await eventually(async () => (await api('GET', `/api/imports/${started.id}`, owner.token)).body?.status === 'done', `${label}: the dry run ends`);
	const field = await expectStatus(
		api('POST', `/api/workspaces/${w}/fields`, owner.token, { entity: 'deal', label: `${label} secret field`, type: 'choice', options: [{ label: 'Hot' }] }),
		201,
		'field'
	);
	const form = await expectStatus(
		api('POST', `/api/pipelines/${owner.pipeline.id}/forms`, owner.token, { name: `${label} secret form`, stageId: openStages[0] }),
		201,
		'form'
	);
	const webhook = await expectStatus(
		api('POST', `/api/pipelines/${owner.pipeline.id}/webhooks`, owner.token, { name: `${label} secret webhook`, stageId: openStages[0] }),
		201,
		'webhook'
	);
	await eventually(async () => {
		const page = await api('GET', `/api/deals/${dealId}`, owner.token);
		const lostPage = await api('GET', `/api/deals/${lost.deal.id}`, owner.token);
		return page.status === 200 && page.body.tasks.length === 2 && page.body.stageHistory.length === 2 && lostPage.body?.deal?.status === 'lost';
	}, `${label}: the projection catches up`);
	return {
		workspaceId: w,
		members,
		pipelineId: owner.pipeline.id,
		stageIds,
		privatePipelineId: privatePipeline.id,
		dealId,
		taskId: task.task.id,
		lostDealId: lost.deal.id,
		inviteId: invite.invite.id,
		inviteToken: invite.token,
		ownerTokenId: tokens.tokens[0].id,
		contactId: contact.id,
		otherContactId: otherContact.id,
		companyId: company.id,
		otherCompanyId: otherCompany.id,
		linkId: link.link.id,
		importId: started.id,
		fieldId: field.id,
		formId: form.id,
		webhookId: webhook.webhook.id
	};
}

/**
 * Everything a workspace's owner can read about it through the API, in a stable
 * order: compared before and after an attack, any difference is a write that
 * got through.
 */
export async function readWorkspace(api: Api, fixture: WorkspaceFixture): Promise<Record<string, unknown>> {
	const token = fixture.members.owner.token;
	const w = fixture.workspaceId;
	const paths = [
		`/api/workspaces/${w}`,
		`/api/workspaces/${w}/members`,
		`/api/workspaces/${w}/invites`,
		`/api/workspaces/${w}/pipelines`,
		`/api/workspaces/${w}/pipelines/archived`,
		`/api/workspaces/${w}/lost-reasons`,
		`/api/workspaces/${w}/my-tasks`,
		`/api/workspaces/${w}/imports`,
		`/api/workspaces/${w}/fields?archived=true`,
		`/api/pipelines/${fixture.pipelineId}`,
		`/api/pipelines/${fixture.pipelineId}/members`,
		`/api/pipelines/${fixture.pipelineId}/deals?limit=5000`,
		`/api/pipelines/${fixture.privatePipelineId}`,
		`/api/pipelines/${fixture.privatePipelineId}/members`,
		`/api/pipelines/${fixture.privatePipelineId}/deals?limit=5000`,
		`/api/deals/${fixture.dealId}`,
		`/api/deals/${fixture.lostDealId}`,
		`/api/workspaces/${w}/contacts?sort=name`,
		`/api/workspaces/${w}/companies?sort=name`,
		`/api/workspaces/${w}/contacts?trash=true`,
		`/api/contacts/${fixture.contactId}`,
		`/api/contacts/${fixture.contactId}/timeline`,
		`/api/companies/${fixture.companyId}`,
		'/api/me',
		'/api/tokens'
	];
	const seen: Record<string, unknown> = {};
	for (const path of paths) {
		const answer = await api('GET', path, token);
		// Using a token stamps it; that is not a change an attacker made.
		const body = path === '/api/tokens' ? answer.body.tokens.map(({ lastUsedAt: _, ...rest }: Record<string, unknown>) => rest) : answer.body;
		seen[path] = { status: answer.status, body };
	}
	for (const role of memberRoles) {
		const answer = await api('GET', `/api/workspaces/${w}/my-tasks`, fixture.members[role].token);
		seen[`my-tasks of ${role}`] = answer.body;
	}
	return seen;
}

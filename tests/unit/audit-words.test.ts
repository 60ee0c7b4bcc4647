import { afterEach, describe, expect, it } from 'vitest';
import { baseLocale, overwriteGetLocale } from '../../src/lib/paraglide/runtime.js';
import { auditActions, type AuditAction } from '../../server/db/schema.js';
import { actorName, auditKinds, describeEvent, type AuditEvent } from '../../src/routes/(app)/w/[workspaceId]/settings/audit/audit-words.js';

// A plausible detail for each action, as the server writes it.
const details: Partial<Record<AuditAction, NonNullable<AuditEvent['detail']>>> = {
	'workspace.renamed': { from: 'Acme', to: 'Acme East' },
	'workspace.settings_changed': { setting: 'closedDealDays', from: 7, to: 30 },
	'member.joined': { role: 'rep', inviteId: 'i1' },
	'member.role_changed': { from: 'rep', to: 'manager' },
	'member.removed': { role: 'viewer' },
	'member.left': { role: 'viewer' },
	'invite.created': { role: 'admin', maxUses: 1, expiresAt: '2026-12-07T10:00:00.000Z' },
	'invite.revoked': { role: 'admin' },
	'pipeline.created': { mode: 'strict' },
	'pipeline.renamed': { from: 'Sales', to: 'New sales' },
	'pipeline.mode_changed': { from: 'strict', to: 'free' },
	'pipeline.access_changed': { from: 'workspace', to: 'members' },
	'pipeline.members_changed': { added: [{ id: 'u2', name: 'Rita' }], removed: [] },
	'stage.deleted': { pipelineId: 'p1', pipelineName: 'Sales' },
	'deal.stage_changed': { pipelineId: 'p1', pipelineName: 'Sales', from: 's1', to: 's2', fromName: 'New lead', toName: 'Qualified' },
	'deal.owner_changed': { pipelineId: 'p1', pipelineName: 'Sales', from: 'u1', to: 'u2', fromName: 'Olga', toName: 'Rita' },
	'lost_reasons.changed': { from: ['No budget', 'No response'], to: ['No budget', 'Too expensive'] },
	'field.created': { fieldId: 'f1', entity: 'deal', label: 'Temperature', type: 'choice' },
	'field.archived': { fieldId: 'f1', entity: 'deal', label: 'Temperature', type: 'choice' }
};

function event(action: AuditAction, overrides: Partial<AuditEvent> = {}): AuditEvent {
	return {
		id: '1',
		at: '2026-11-30T10:00:00.000Z',
		action,
		actor: { id: 'u1', name: 'Olga Owner', kind: 'member', tokenId: null },
		target: { type: 'user', id: 't1', label: 'Rita Rep' },
		detail: details[action] ?? null,
		address: '203.0.113.1',
		...overrides
	};
}

const sentence = (value: AuditEvent) => describeEvent(value).map((part) => part.text).join('');

describe('audit log in words', () => {
	it('words every action without a raw value leaking through', () => {
		for (const action of auditActions) {
			const text = sentence(event(action));
			expect(text, action).not.toMatch(/undefined|null|\[object|NaN/);
			expect(text.length, action).toBeGreaterThan(5);
		}
	});

	it('says what changed, with the names as they were', () => {
		expect(sentence(event('member.role_changed'))).toBe('Olga Owner changed the role of Rita Rep from Sales rep to Manager');
		expect(sentence(event('deal.stage_changed', { target: { type: 'deal', id: 'd1', label: 'Acme renewal' } }))).toBe(
			'Olga Owner moved Acme renewal from New lead to Qualified in Sales'
		);
		expect(sentence(event('lost_reasons.changed'))).toBe('Olga Owner changed the lost reasons: added “Too expensive”; removed “No response”');
		expect(sentence(event('field.created'))).toBe('Olga Owner added the field “Temperature”');
		expect(sentence(event('auth.login_failed', { actor: { id: null, name: null, kind: 'anonymous', tokenId: null } }))).toBe(
			'Someone tried to sign in as Rita Rep with a wrong password'
		);
	});

	it('emphasises the names, not the words around them', () => {
		const parts = describeEvent(event('member.role_changed'));
		expect(parts.filter((part) => part.strong).map((part) => part.text)).toEqual(['Olga Owner', 'Rita Rep']);
		expect(parts.map((part) => part.text).join('')).toContain('from Sales rep to Manager');
	});

	it('names the system, nobody known, and a deleted account', () => {
		expect(actorName(event('deal.stage_changed', { actor: { id: null, name: null, kind: 'system', tokenId: null } }))).toBe('Voronka');
		expect(actorName(event('auth.login_failed', { actor: { id: null, name: null, kind: 'anonymous', tokenId: null } }))).toBe('Someone');
		expect(actorName(event('auth.login', { actor: { id: 'gone', name: null, kind: 'member', tokenId: null } }))).toBe('A former member');
	});

	describe('in Russian', () => {
		afterEach(() => overwriteGetLocale(() => baseLocale));

		it('words every action in Russian, the names kept as they were', () => {
			overwriteGetLocale(() => 'ru');
			for (const action of auditActions) {
				const text = sentence(event(action));
				expect(text, action).toMatch(/^Olga Owner: [а-яё]/);
				expect(text, action).not.toMatch(/undefined|null|\[object|NaN/);
			}
			expect(sentence(event('member.role_changed'))).toBe('Olga Owner: роль участника Rita Rep изменена с «Менеджер» на «Руководитель»');
			expect(sentence(event('lost_reasons.changed'))).toBe('Olga Owner: изменены причины отказа: добавлены «Too expensive»; удалены «No response»');
			expect(actorName(event('auth.login_failed', { actor: { id: null, name: null, kind: 'anonymous', tokenId: null } }))).toBe('Кто-то');
			expect(auditKinds.map((kind) => kind.label())).toContain('Входы и пароли');
		});
	});

	it('puts every action in exactly one filter kind', () => {
		const filed = auditKinds.flatMap((kind) => kind.actions);
		expect([...filed].sort()).toEqual([...auditActions].sort());
	});
});

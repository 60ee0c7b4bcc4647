import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { listAutomationLog, logAutomation } from '../../server/automation/automation-log.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, eventually, signUpOwner } from '../support/sync-server.js';
import { openEvents } from '../support/event-stream.js';
import { notifications } from '../../server/db/schema.js';
import { eq } from 'drizzle-orm';

describeEachDatabase('notifications and the automation log', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	it('stores a notification once per key and tells only its addressee’s streams', async () => {
		server = await startServer({ database: database(), config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }) });
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const url = `${server.url}/api/workspaces/${owner.workspaceId}/events`;
		const repStream = openEvents(url, rep.token);
		const ownerStream = openEvents(url, owner.token);
		await eventually(() => repStream.seen.some((e) => e.event === 'ready') && ownerStream.seen.some((e) => e.event === 'ready'), 'both streams ready');
		const sent = { workspaceId: owner.workspaceId, userId: rep.userId, kind: 'lead_assigned' as const, params: { title: 'Anna' }, key: 'lead:1' };
		expect(await server.notifier.notify(sent)).toEqual(expect.any(String));
		expect(await server.notifier.notify(sent)).toBeNull();
		await eventually(() => repStream.seen.some((e) => e.event === 'notification'), 'the rep hears of it');
		const rows = await database().db.select().from(notifications).where(eq(notifications.userId, rep.userId));
		expect(rows.map((row) => [row.kind, row.params])).toEqual([['lead_assigned', { title: 'Anna' }]]);
		// A moment for a stray event to arrive: the owner's stream must not carry the rep's notification.
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(repStream.seen.filter((e) => e.event === 'notification')).toHaveLength(1);
		expect(ownerStream.seen.some((e) => e.event === 'notification')).toBe(false);
		repStream.close();
		ownerStream.close();
	});

	it('logs an automation step once per key, newest first', async () => {
		const db = database().db;
		server = await startServer({ database: database(), config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }) });
		const owner = await signUpOwner(server.url);
		const entry = { workspaceId: owner.workspaceId, kind: 'job' as const, source: 'check-in', outcome: 'done' as const, key: 'check-in:2026-12:c1' };
		expect(await logAutomation(db, entry)).toBe(true);
		expect(await logAutomation(db, entry)).toBe(false);
		expect(await logAutomation(db, { ...entry, key: undefined, source: 'escalation' })).toBe(true);
		expect(await logAutomation(db, { ...entry, key: undefined, source: 'escalation' })).toBe(true);
		const all = await listAutomationLog(db, owner.workspaceId, { limit: 10 });
		expect(all.map((row) => row.source)).toEqual(['escalation', 'escalation', 'check-in']);
		expect((await listAutomationLog(db, owner.workspaceId, { source: 'check-in', limit: 10 })).length).toBe(1);
	});
});

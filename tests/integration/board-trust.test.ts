import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { boardMaps, createDeal, listStages, readDeal } from '../../src/lib/model/index.js';
import { loadConfig } from '../../server/config.js';
import { encodeUpdate, messageType } from '../../server/sync/protocol.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { createDocStore } from '../../server/sync/persistence.js';
import { strongPassword } from '../support/api-client.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, type BoardClient } from '../support/sync-server.js';
import * as encoding from 'lib0/encoding';

/**
 * The live board tried from outside as an insider would: a member with a
 * token, raw sockets and hand-made messages (issue #7, findings 1, 4, 6, 10).
 */
const clock = { now: () => new Date().toISOString() };
const task = (id: string) => ({ id, type: 'call' as const, title: 'Call', dueAt: '2030-01-01T09:00:00.000Z' });

interface RawSocket {
	socket: WebSocket;
	closed: Promise<{ code: number; reason: string }>;
	messages: Uint8Array[];
	send(bytes: Uint8Array): void;
}

function openRaw(url: string, pipelineId: string, auth: { token?: string; cookie?: string }): Promise<RawSocket> {
	const query = auth.token ? `?token=${auth.token}` : '';
	const socket = new WebSocket(`${url.replace('http', 'ws')}/sync/${pipelineId}${query}`, { headers: auth.cookie ? { cookie: auth.cookie } : {} });
	const messages: Uint8Array[] = [];
	socket.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
	socket.on('error', () => undefined);
	const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
	return new Promise((resolve, reject) => {
		socket.on('open', () => resolve({ socket, closed, messages, send: (bytes) => socket.send(bytes) }));
		socket.on('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
	});
}

function awarenessMessage(clientId: number, clock: number, state: unknown): Uint8Array {
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, 1);
	encoding.writeVarUint(inner, clientId);
	encoding.writeVarUint(inner, clock);
	encoding.writeVarString(inner, JSON.stringify(state));
	const outer = encoding.createEncoder();
	encoding.writeVarUint(outer, messageType.awareness);
	encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner));
	return encoding.toUint8Array(outer);
}

function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
	return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${label}`)), ms))]);
}

describeEachDatabase('board trust', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	const sockets: WebSocket[] = [];
	const start = async (env: Record<string, string> = {}) => {
		server = await startServer({
			database: database(),
			config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env }),
			unloadRoomsAfterMs: 200
		});
		return server;
	};
	const raw = async (...args: Parameters<typeof openRaw>) => {
		const opened = await openRaw(...args);
		sockets.push(opened.socket);
		return opened;
	};
	const connect = (...args: Parameters<typeof connectBoard>) => {
		const client = connectBoard(...args);
		clients.push(client);
		return client;
	};
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		for (const socket of sockets.splice(0)) socket.terminate();
		await server?.close();
		server = null;
	});

	it('refuses a deal or task id of another workspace’s board and leaves that workspace’s rows alone', async () => {
		const { url } = await start();
		const a = await signUpOwner(url);
		const b = await signUpOwner(url);
		const theirs = await callApi(url, 'POST', `/api/pipelines/${b.pipeline.id}/deals`, {
			token: b.token,
			json: { title: 'B’s deal', valueMinor: 500, currency: 'EUR', firstTask: { type: 'call', title: 'B calls', dueAt: '2030-01-01T09:00:00.000Z' } }
		});
		expect(theirs.status).toBe(201);
		const rep = await addMember(url, a.token, a.workspaceId, 'rep');
		const attacker = connect(url, a.pipeline.id, rep.token);
		await attacker.synced();
		const stage = listStages(attacker.doc)[0]!.id;
		createDeal(attacker.doc, { id: theirs.body.deal.id, title: 'Overwritten', valueMinor: 1, currency: 'EUR', stageId: stage, ownerId: rep.userId }, task(theirs.body.task.id), clock);
		await eventually(() => attacker.refusals.length > 0, 'the attacker is told');
		expect(attacker.refusals[0]!.message).toMatch(/another board/);
		const page = await callApi(url, 'GET', `/api/deals/${theirs.body.deal.id}`, { token: b.token });
		expect(page.body.deal).toMatchObject({ title: 'B’s deal', valueMinor: 500, pipelineId: b.pipeline.id });
		const list = await callApi(url, 'GET', `/api/pipelines/${a.pipeline.id}/deals`, { token: a.token });
		expect(list.body.deals).toEqual([]);
	});

	// `reconnect`: what the same credential meets when it comes straight back (its admission moments ago must not stand).
	const revocations: Array<{
		name: string;
		revoke: (ctx: { url: string; token: string; cookie: string; owner: Awaited<ReturnType<typeof signUpOwner>>; userId: string; byCookie: boolean }) => Promise<unknown>;
		byCookie: boolean;
		reconnect: 'upgrade refused: 401' | 'upgrade refused: 403' | 'admitted';
	}> = [
		{
			name: 'its API token is revoked',
			byCookie: false,
			reconnect: 'upgrade refused: 401',
			revoke: async ({ url, cookie }) => {
				const tokens = await fetch(`${url}/api/tokens`, { headers: { cookie } }).then((r) => r.json() as Promise<{ tokens: Array<{ id: string }> }>);
				return fetch(`${url}/api/tokens/${tokens.tokens[0]!.id}`, { method: 'DELETE', headers: { cookie } });
			}
		},
		{
			name: 'its session logs out',
			byCookie: true,
			reconnect: 'upgrade refused: 401',
			revoke: ({ url, cookie }) => fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie } })
		},
		{
			name: 'the password is changed',
			byCookie: false,
			reconnect: 'admitted',
			revoke: ({ url, cookie }) =>
				fetch(`${url}/api/me/password`, {
					method: 'POST',
					headers: { cookie, 'content-type': 'application/json' },
					body: JSON.stringify({ currentPassword: strongPassword, newPassword: 'another-long-passphrase-77' })
				})
		},
		{
			name: 'the member’s role changes',
			byCookie: false,
			reconnect: 'admitted',
			revoke: ({ url, owner, userId }) => callApi(url, 'PATCH', `/api/workspaces/${owner.workspaceId}/members/${userId}`, { token: owner.token, json: { role: 'viewer' } })
		},
		{
			name: 'the member is removed',
			byCookie: false,
			reconnect: 'upgrade refused: 403',
			revoke: ({ url, owner, userId }) => callApi(url, 'DELETE', `/api/workspaces/${owner.workspaceId}/members/${userId}`, { token: owner.token })
		}
	];

	it.each(revocations)('closes a live connection at once when $name, and a reconnect is authorised afresh', async ({ revoke, byCookie, reconnect }) => {
		const { url } = await start();
		const owner = await signUpOwner(url);
		const member = await addMemberWithCookie(url, owner, 'rep');
		const socket = await raw(url, owner.pipeline.id, byCookie ? { cookie: member.cookie } : { token: member.token });
		await eventually(() => socket.messages.length > 0, 'the handshake started');
		const response = (await revoke({ url, token: member.token, cookie: member.cookie, owner, userId: member.userId, byCookie })) as { status: number };
		expect(response.status).toBeLessThan(300);
		const closed = await withTimeout(socket.closed, 3000, 'the socket closes');
		expect(closed.code).toBe(4501);
		const again = await raw(url, owner.pipeline.id, byCookie ? { cookie: member.cookie } : { token: member.token }).then(
			() => 'admitted',
			(error: Error) => error.message
		);
		expect(again).toBe(reconnect);
	});

	it('lets a member whose role changed straight back in only with the new role', async () => {
		const { url } = await start();
		const owner = await signUpOwner(url);
		const rep = await addMember(url, owner.token, owner.workspaceId, 'rep');
		const before = await raw(url, owner.pipeline.id, { token: rep.token });
		await eventually(() => before.messages.length > 0, 'the rep was admitted');
		await callApi(url, 'PATCH', `/api/workspaces/${owner.workspaceId}/members/${rep.userId}`, { token: owner.token, json: { role: 'viewer' } });
		expect((await withTimeout(before.closed, 3000, 'the socket closes')).code).toBe(4501);
		const after = connect(url, owner.pipeline.id, rep.token);
		await after.synced();
		const stage = listStages(after.doc)[0]!.id;
		createDeal(after.doc, { id: 'by-former-rep', title: 'Still a rep?', valueMinor: 1, currency: 'EUR', stageId: stage, ownerId: rep.userId }, task('by-former-rep-task'), clock);
		await eventually(() => after.refusals.length > 0, 'the viewer is told');
		expect(after.refusals[0]).toMatchObject({ rule: 'read-only' });
	});

	it('closes the connection of a manager who rewrote meta.workspaceId once they are removed (the rewrite is refused)', async () => {
		const { url } = await start();
		const owner = await signUpOwner(url);
		const manager = await addMemberWithCookie(url, owner, 'manager');
		const client = connect(url, owner.pipeline.id, manager.token);
		await client.synced();
		boardMaps(client.doc).meta.set('workspaceId', 'somewhere-else');
		await eventually(() => client.refusals.length > 0, 'the manager is told');
		expect(client.refusals[0]).toMatchObject({ rule: 'forbidden' });
		await eventually(() => boardMaps(client.doc).meta.get('workspaceId') === owner.workspaceId, 'the meta is put back');
		const socket = await raw(url, owner.pipeline.id, { token: manager.token });
		await callApi(url, 'DELETE', `/api/workspaces/${owner.workspaceId}/members/${manager.userId}`, { token: owner.token });
		expect((await withTimeout(socket.closed, 3000, 'the socket closes')).code).toBe(4501);
	});

	it('re-checks every connection periodically, so a session deleted behind the app’s back ends too', async () => {
		const { url } = await start({ SYNC_RECHECK_SECONDS: '1' });
		const owner = await signUpOwner(url);
		const socket = await raw(url, owner.pipeline.id, { cookie: owner.cookie });
		await database().db.execute(sql`delete from sessions where user_id = ${owner.userId}`);
		expect((await withTimeout(socket.closed, 5000, 'the backstop closes it')).code).toBe(4501);
	});

	it('refuses a frame over the size limit before buffering it, and stays up', async () => {
		const { url } = await start({ SYNC_MAX_MESSAGE_BYTES: String(64 * 1024) });
		const owner = await signUpOwner(url);
		const socket = await raw(url, owner.pipeline.id, { token: owner.token });
		socket.send(new Uint8Array(100 * 1024));
		expect((await withTimeout(socket.closed, 3000, 'the socket closes')).code).toBe(1009);
		const healthy = connect(url, owner.pipeline.id, owner.token);
		await healthy.synced();
	});

	it('closes a connection that floods updates or presence, or queues too much while its board loads', async () => {
		const { url } = await start();
		const owner = await signUpOwner(url);
		const empty = encodeUpdate(Y.encodeStateAsUpdate(new Y.Doc()));
		const updates = await raw(url, owner.pipeline.id, { token: owner.token });
		await eventually(() => updates.messages.length > 0, 'the board loaded');
		for (let i = 0; i < 400; i++) updates.send(empty);
		expect((await withTimeout(updates.closed, 3000, 'update flood closed')).code).toBe(4529);

		const presence = await raw(url, owner.pipeline.id, { token: owner.token });
		await eventually(() => presence.messages.length > 0, 'the board loaded');
		for (let i = 1; i < 100; i++) presence.send(awarenessMessage(4242, i, { holding: null }));
		expect((await withTimeout(presence.closed, 3000, 'presence flood closed')).code).toBe(4529);

		// A board nobody has open loads from the database; a burst meanwhile is bounded.
		const other = await callApi(url, 'POST', `/api/workspaces/${owner.workspaceId}/pipelines`, { token: owner.token, json: { name: 'Renewals' } });
		const queued = await raw(url, other.body.id ?? other.body.pipeline?.id, { token: owner.token });
		for (let i = 0; i < 200; i++) queued.send(new Uint8Array([messageType.queryAwareness]));
		expect((await withTimeout(queued.closed, 3000, 'queue closed')).code).toBe(4529);
	});

	it('relays presence with the known fields only, and refuses presence too large or too many states per connection', async () => {
		const { url } = await start();
		const owner = await signUpOwner(url);
		const watcher = connect(url, owner.pipeline.id, owner.token);
		await watcher.synced();
		const sender = await raw(url, owner.pipeline.id, { token: owner.token });
		await eventually(() => sender.messages.length > 0, 'the board loaded');
		sender.send(awarenessMessage(777, 1, { user: { id: owner.userId, name: 'Olga', color: '#123456', isAdmin: true }, holding: null, tracking: 'x'.repeat(300) }));
		await eventually(() => watcher.provider.awareness.getStates().has(777), 'the watcher sees the presence');
		expect(watcher.provider.awareness.getStates().get(777)).toEqual({ user: { id: owner.userId, name: 'Olga', color: '#123456' }, holding: null });

		sender.send(awarenessMessage(778, 1, { holding: 'x'.repeat(64), user: { id: owner.userId, name: 'y'.repeat(100), color: 'z'.repeat(32) }, pad: 'p'.repeat(2000) }));
		expect((await withTimeout(sender.closed, 3000, 'too large closed')).code).toBe(1003);

		const many = await raw(url, owner.pipeline.id, { token: owner.token });
		await eventually(() => many.messages.length > 0, 'the board loaded');
		for (let id = 900; id < 906; id++) many.send(awarenessMessage(id, 1, { holding: null }));
		const closed = await withTimeout(many.closed, 3000, 'too many states closed');
		expect(closed).toMatchObject({ code: 1003, reason: expect.stringMatching(/at most 4 presence/) });
		void awarenessProtocol;
	});

	it('retries a projection that failed instead of dropping it, and says so on /healthz meanwhile', async () => {
		const { url } = await start();
		const owner = await signUpOwner(url);
		const db = database().db;
		await db.execute(sql.raw(`create or replace function refuse_boom() returns trigger as $$ begin if new.title = 'Boom' then raise exception 'projection fault'; end if; return new; end $$ language plpgsql`));
		await db.execute(sql.raw(`create trigger refuse_boom before insert or update on deals for each row execute function refuse_boom()`));
		try {
			const client = connect(url, owner.pipeline.id, owner.token);
			await client.synced();
			const stage = listStages(client.doc)[0]!.id;
			const id = `boom-${Math.random().toString(36).slice(2)}`;
			createDeal(client.doc, { id, title: 'Boom', valueMinor: 1, currency: 'EUR', stageId: stage, ownerId: owner.userId }, task(`${id}-t`), clock);
			await eventually(async () => (await fetch(`${url}/healthz`).then((r) => r.json() as Promise<{ status: string }>)).status === 'degraded', 'healthz says degraded');
			const listed = async () => (await callApi(url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals`, { token: owner.token })).body.deals.length;
			expect(await listed()).toBe(0);
			await db.execute(sql.raw(`drop trigger refuse_boom on deals`));
			await eventually(async () => (await listed()) === 1, 'the projection catches up', 10_000);
			await eventually(async () => (await fetch(`${url}/healthz`).then((r) => r.json() as Promise<{ status: string }>)).status === 'ok', 'healthz recovers');
		} finally {
			await db.execute(sql.raw(`drop trigger if exists refuse_boom on deals`));
		}
	});

	it('projects on load what was stored but never projected (a crash between the two)', async () => {
		const { url } = await start();
		const owner = await signUpOwner(url);
		// A client's change written to the log as if the server died before projecting it.
		const doc = new Y.Doc();
		const probe = connect(url, owner.pipeline.id, owner.token, doc);
		await probe.synced();
		probe.provider.disconnect();
		await eventually(async () => server!.rooms.loadedCount === 0, 'the room unloaded', 5000);
		const before = Y.encodeStateVector(doc);
		const id = `crash-${Math.random().toString(36).slice(2)}`;
		createDeal(doc, { id, title: 'Stored, not projected', valueMinor: 1, currency: 'EUR', stageId: listStages(doc)[0]!.id, ownerId: owner.userId }, task(`${id}-t`), clock);
		await createDocStore(database().db).appendUpdate(owner.pipeline.id, Y.encodeStateAsUpdate(doc, before), 0);
		const reader = connect(url, owner.pipeline.id, owner.token);
		await reader.synced();
		expect(readDeal(reader.doc, id)?.title).toBe('Stored, not projected');
		await eventually(async () => (await callApi(url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals`, { token: owner.token })).body.deals.length === 1, 'the list shows it');
	});
});

/** A member with both a session cookie and an API token. */
async function addMemberWithCookie(url: string, owner: Awaited<ReturnType<typeof signUpOwner>>, role: string) {
	const member = await addMember(url, owner.token, owner.workspaceId, role);
	const me = await callApi(url, 'GET', '/api/me', { token: member.token });
	const login = await fetch(`${url}/api/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: me.body.user.email, password: strongPassword })
	});
	const session = login.headers.getSetCookie().find((cookie) => cookie.startsWith('voronka_session='))!;
	return { ...member, cookie: session.split(';')[0]! };
}

import { describe, expect, it } from 'vitest';
import { Admissions, type Admission } from '../../../server/sync/admissions.js';
import { Connections, type OpenConnection } from '../../../server/sync/connections.js';
import type { Fanout, FanoutMessage } from '../../../server/sync/fanout.js';

function admission(userId: string, pipelineId: string, workspaceId = 'w1', sessionId: string | null = `s-${userId}`): Admission {
	return {
		user: { id: userId, email: `${userId}@example.com`, name: userId, locale: null },
		sync: {
			pipelineId,
			workspaceId,
			writer: { kind: 'member', userId, role: 'rep' },
			credential: { userId, sessionId, apiTokenId: sessionId ? null : `t-${userId}` }
		}
	};
}

describe('board admissions kept for a reconnect storm', () => {
	it('answers from memory until the keep time or the session’s end, whichever is sooner', () => {
		const admissions = new Admissions(60_000);
		admissions.remember('session:a', admission('u1', 'p1'), admissions.startLookup(), 1_000);
		admissions.remember('session:b', admission('u2', 'p1'), admissions.startLookup(), 1_000, 5_000);
		expect(admissions.find('session:a', 'p1', 60_999)?.sync.writer.userId).toBe('u1');
		expect(admissions.find('session:a', 'p2', 2_000)).toBeNull();
		expect(admissions.find('session:a', 'p1', 61_000)).toBeNull();
		expect(admissions.find('session:b', 'p1', 4_999)?.sync.writer.userId).toBe('u2');
		expect(admissions.find('session:b', 'p1', 5_000)).toBeNull();
	});

	it('forgets what a taken-away right covers, and only that', () => {
		const admissions = new Admissions(60_000);
		admissions.remember('session:a', admission('u1', 'p1'), admissions.startLookup(), 0);
		admissions.remember('session:a', admission('u1', 'p2', 'w2'), admissions.startLookup(), 0);
		admissions.remember('session:b', admission('u2', 'p1'), admissions.startLookup(), 0);
		admissions.forget({});
		expect(admissions.size).toBe(3);
		admissions.forget({ userId: 'u1', workspaceId: 'w2' });
		expect(admissions.find('session:a', 'p2', 1)).toBeNull();
		expect(admissions.find('session:a', 'p1', 1)).not.toBeNull();
		admissions.forget({ pipelineId: 'p1' });
		expect(admissions.size).toBe(0);
	});

	it('does not keep an answer read while a right was being taken away', () => {
		const admissions = new Admissions(60_000);
		const startedAt = admissions.startLookup();
		admissions.forget({ userId: 'someone-else' });
		admissions.remember('session:a', admission('u1', 'p1'), startedAt, 0);
		expect(admissions.find('session:a', 'p1', 1)).toBeNull();
		admissions.remember('session:a', admission('u1', 'p1'), admissions.startLookup(), 0);
		expect(admissions.find('session:a', 'p1', 1)).not.toBeNull();
	});

	it('holds at most its bound, dropping the oldest first', () => {
		const admissions = new Admissions(60_000, 3);
		for (const pipeline of ['p1', 'p2', 'p3', 'p4']) admissions.remember('session:a', admission('u1', pipeline), admissions.startLookup(), 0);
		expect(admissions.size).toBe(3);
		expect(admissions.find('session:a', 'p1', 1)).toBeNull();
		expect(admissions.find('session:a', 'p4', 1)).not.toBeNull();
	});

	it('is told of every right taken away: here, on another node, and by the periodic re-check', async () => {
		let deliver: (message: FanoutMessage) => void = () => undefined;
		const fanout = { publish: () => undefined, onMessage: (handler) => (deliver = handler) } as Pick<Fanout, 'publish' | 'onMessage'> as Fanout;
		const connections = new Connections(fanout);
		const admissions = new Admissions(60_000);
		connections.onRevoked((match) => admissions.forget(match));
		for (const user of ['u1', 'u2', 'u3']) admissions.remember(`session:${user}`, admission(user, 'p1'), admissions.startLookup(), 0);

		connections.close({ sessionId: 's-u1' });
		expect(admissions.find('session:u1', 'p1', 1)).toBeNull();
		deliver({ kind: 'disconnect', match: { userId: 'u2', workspaceId: 'w1' }, reason: 'access changed' });
		expect(admissions.find('session:u2', 'p1', 1)).toBeNull();

		const open: OpenConnection = { peer: { close: () => undefined }, credential: admission('u3', 'p1').sync.credential, pipelineId: 'p1', workspaceId: 'w1', role: 'rep' };
		connections.add(open);
		connections.startRechecks(async () => false, 3_600_000);
		expect(await connections.recheckAll()).toBe(1);
		connections.stop();
		expect(admissions.size).toBe(0);
	});
});

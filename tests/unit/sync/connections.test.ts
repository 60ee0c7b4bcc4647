import { describe, expect, it } from 'vitest';
import { Connections, type OpenConnection } from '../../../server/sync/connections.js';

function connection(sessionId: string, pipelineId: string, closed: number[]): OpenConnection {
	return {
		peer: { close: (code) => closed.push(code) },
		credential: { userId: 'u1', sessionId, apiTokenId: null },
		pipelineId,
		workspaceId: 'w1',
		role: 'rep'
	};
}

describe('periodic re-check of live connections', () => {
	it('checks each credential and board once however many sockets share them, and closes every socket of a right that is gone', async () => {
		const connections = new Connections();
		const closed: number[] = [];
		for (let i = 0; i < 5; i++) connections.add(connection('s-kept', 'p1', closed));
		for (let i = 0; i < 3; i++) connections.add(connection('s-gone', 'p1', closed));
		connections.add(connection('s-kept', 'p2', closed));
		const asked: string[] = [];
		connections.startRechecks(async (open) => {
			asked.push(`${open.credential.sessionId}/${open.pipelineId}`);
			return open.credential.sessionId !== 's-gone';
		}, 3_600_000);
		expect(await connections.recheckAll()).toBe(3);
		connections.stop();
		expect(asked.sort()).toEqual(['s-gone/p1', 's-kept/p1', 's-kept/p2']);
		expect(closed).toEqual([4501, 4501, 4501]);
		expect(connections.size).toBe(6);
	});
});

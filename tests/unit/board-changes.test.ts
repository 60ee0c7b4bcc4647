import { describe, expect, it } from 'vitest';
import { findDealChanges } from '../../server/audit/board-changes.js';

describe('finding the deal changes of a board batch', () => {
	const before = new Map([
		['d1', { stageId: 's1', ownerId: 'u1' }],
		['d2', { stageId: 's1', ownerId: 'u1' }],
		['d3', { stageId: 's2', ownerId: 'u2' }]
	]);
	const by = (dealId: string) => (dealId === 'd2' ? null : 'u9');

	it('finds each stage and owner that changed, with who changed it', () => {
		const changes = findDealChanges(
			before,
			[
				{ id: 'd1', title: 'Moved', stageId: 's2', ownerId: 'u1' },
				{ id: 'd2', title: 'Both', stageId: 's3', ownerId: 'u2' },
				{ id: 'd3', title: 'Same', stageId: 's2', ownerId: 'u2' }
			],
			by
		);
		expect(changes).toEqual([
			{ dealId: 'd1', dealTitle: 'Moved', by: 'u9', field: 'stage', from: 's1', to: 's2' },
			{ dealId: 'd2', dealTitle: 'Both', by: null, field: 'stage', from: 's1', to: 's3' },
			{ dealId: 'd2', dealTitle: 'Both', by: null, field: 'owner', from: 'u1', to: 'u2' }
		]);
	});

	it('leaves out new deals', () => {
		expect(findDealChanges(before, [{ id: 'new', title: 'New', stageId: 's1', ownerId: 'u1' }], by)).toEqual([]);
	});
});

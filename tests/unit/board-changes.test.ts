import { describe, expect, it } from 'vitest';
import { findDealChanges } from '../../server/audit/board-changes.js';

describe('finding the deal changes of a board batch', () => {
	const deal = (stageId: string, ownerId: string, more: { status?: string; valueMinor?: number; currency?: string; lostReason?: string } = {}) => ({
		stageId,
		ownerId,
		status: 'open',
		valueMinor: 1000,
		currency: 'EUR',
		...more
	});
	const before = new Map([
		['d1', deal('s1', 'u1')],
		['d2', deal('s1', 'u1')],
		['d3', deal('s2', 'u2')],
		['d4', deal('s2', 'u2')],
		['d5', deal('won', 'u2', { status: 'won' })]
	]);
	const by = (dealId: string) => (dealId === 'd2' ? null : 'u9');

	it('finds each stage and owner that changed, with who changed it', () => {
		const changes = findDealChanges(
			before,
			[
				{ id: 'd1', title: 'Moved', ...deal('s2', 'u1') },
				{ id: 'd2', title: 'Both', ...deal('s3', 'u2') },
				{ id: 'd3', title: 'Same', ...deal('s2', 'u2') }
			],
			by
		);
		expect(changes).toEqual([
			{ dealId: 'd1', dealTitle: 'Moved', by: 'u9', field: 'stage', from: 's1', to: 's2' },
			{ dealId: 'd2', dealTitle: 'Both', by: null, field: 'stage', from: 's1', to: 's3' },
			{ dealId: 'd2', dealTitle: 'Both', by: null, field: 'owner', from: 'u1', to: 'u2' }
		]);
	});

	it('finds a deal lost with its reason, one reopened, and a new value', () => {
		const changes = findDealChanges(
			before,
			[
				{ id: 'd3', title: 'Lost', ...deal('lost', 'u2', { status: 'lost', lostReason: 'No budget' }) },
				{ id: 'd4', title: 'Priced', ...deal('s2', 'u2', { valueMinor: 250000, currency: 'RUB' }) },
				{ id: 'd5', title: 'Again', ...deal('s1', 'u2') }
			],
			by
		);
		expect(changes).toEqual([
			{ dealId: 'd3', dealTitle: 'Lost', by: 'u9', field: 'stage', from: 's2', to: 'lost' },
			{ dealId: 'd3', dealTitle: 'Lost', by: 'u9', field: 'status', from: 'open', to: 'lost', lostReason: 'No budget' },
			{ dealId: 'd4', dealTitle: 'Priced', by: 'u9', field: 'value', from: '1000 EUR', to: '250000 RUB' },
			{ dealId: 'd5', dealTitle: 'Again', by: 'u9', field: 'stage', from: 'won', to: 's1' },
			{ dealId: 'd5', dealTitle: 'Again', by: 'u9', field: 'status', from: 'won', to: 'open', lostReason: null }
		]);
	});

	it('leaves out new deals', () => {
		expect(findDealChanges(before, [{ id: 'new', title: 'New', ...deal('s1', 'u1') }], by)).toEqual([]);
	});
});

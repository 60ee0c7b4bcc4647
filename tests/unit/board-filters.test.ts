import { describe, expect, it } from 'vitest';
import { filterDeals, isFiltering, noFilter, readFilter, writeFilter } from '../../src/lib/board/filters';
import type { Deal } from '../../src/lib/model';

function deal(id: string, fields: Partial<Deal>): Deal {
	return { id, title: id, valueMinor: 0, currency: 'EUR', stageId: 's1', rank: 'a', ownerId: 'u1', source: 'manual', status: 'open', createdAt: '', updatedAt: '', ...fields };
}

describe('the board filter by company', () => {
	const own = deal('own', { companyId: 'stroy' });
	const viaContact = deal('via-contact', { contactId: 'anna' });
	const other = deal('other', { companyId: 'vega', contactId: 'anna' });
	const none = deal('none', {});
	const deals = [own, viaContact, other, none];
	// Anna works at Stroymontazh; a deal's own company wins over its contact's.
	const companyOf = (d: Deal) => d.companyId ?? (d.contactId === 'anna' ? 'stroy' : undefined);

	it('keeps the deals of the company, their own or their contact’s', () => {
		const filter = { ...noFilter, companyId: 'stroy' };
		expect(isFiltering(filter)).toBe(true);
		expect(filterDeals(deals, filter, 'u1', companyOf).map((d) => d.id)).toEqual(['own', 'via-contact']);
		expect(filterDeals(deals, { ...noFilter, companyId: 'vega' }, 'u1', companyOf).map((d) => d.id)).toEqual(['other']);
	});

	it('combines with the other filters and returns the same array when nothing filters', () => {
		expect(filterDeals(deals, { ...noFilter, companyId: 'stroy', text: 'via' }, 'u1', companyOf).map((d) => d.id)).toEqual(['via-contact']);
		expect(filterDeals(deals, noFilter, 'u1', companyOf)).toBe(deals);
		// Without a resolver only the deal's own company counts.
		expect(filterDeals(deals, { ...noFilter, companyId: 'stroy' }, 'u1').map((d) => d.id)).toEqual(['own']);
	});
});

describe('the board filter in the address', () => {
	it('survives a round trip, leaving other parameters alone', () => {
		const filter = { mine: true, ownerId: 'u2', companyId: 'stroy', text: 'pumps' };
		const params = new URLSearchParams('deal=d1');
		writeFilter(params, filter);
		expect(params.get('deal')).toBe('d1');
		expect(readFilter(params)).toEqual(filter);
	});

	it('drops what is off, so an unfiltered board has a clean address', () => {
		const params = new URLSearchParams('mine=1&owner=u2&company=stroy&q=pumps');
		writeFilter(params, { ...noFilter, text: '   ' });
		expect(params.toString()).toBe('');
		expect(readFilter(params)).toEqual(noFilter);
	});
});

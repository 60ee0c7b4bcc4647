import { describe, expect, it } from 'vitest';
import { messageParts } from '../../src/lib/deal/message-parts.js';
import { m } from '../../src/lib/paraglide/messages.js';

describe('a message with words set apart', () => {
	it('keeps each language’s word order and marks the parameters', () => {
		const inputs = { from: 'Lead', to: 'Won', who: 'Ann' };
		const en = messageParts((values: typeof inputs) => m.deal_timeline_moved(values, { locale: 'en' }), inputs, ['from', 'to']);
		expect(en).toEqual([
			{ text: 'Moved from ' },
			{ text: 'Lead', param: 'from' },
			{ text: ' to ' },
			{ text: 'Won', param: 'to' },
			{ text: ' by Ann' }
		]);
		const ru = messageParts((values: typeof inputs) => m.deal_timeline_moved(values, { locale: 'ru' }), inputs, ['from', 'to']);
		expect(ru.map((part) => part.text).join('')).toBe('Перенесена с этапа Lead на этап Won — Ann');
		expect(ru.filter((part) => part.param).map((part) => part.text)).toEqual(['Lead', 'Won']);
	});
});

describe('counts of deals in Russian', () => {
	it('chooses one, few and many by the count, showing the formatted number', () => {
		const ru = (count: number) => m.deals_count({ count, shown: String(count) }, { locale: 'ru' });
		expect([1, 3, 5, 21, 22, 111].map(ru)).toEqual(['1 сделка', '3 сделки', '5 сделок', '21 сделка', '22 сделки', '111 сделок']);
		expect(m.deals_count({ count: 1234, shown: '1,234' }, { locale: 'en' })).toBe('1,234 deals');
		expect(m.deals_selected({ count: 2, shown: 2 }, { locale: 'ru' })).toBe('Выбраны 2 сделки');
		expect(m.deal_close_complete_tasks({ count: 1 }, { locale: 'en' })).toBe('Mark its open task done');
	});
});

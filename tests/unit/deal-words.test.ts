import { describe, expect, it } from 'vitest';
import { emphasise } from '../../src/lib/emphasis.js';
import { m } from '../../src/lib/paraglide/messages.js';

describe('deal sentences with bold words', () => {
	it('keeps each language’s word order and sets the stages in bold, not the person', () => {
		const inputs = { from: 'Lead', to: 'Won', who: 'Ann' };
		const en = emphasise((values: typeof inputs) => m.deal_timeline_moved(values, { locale: 'en' }), inputs, ['who']);
		expect(en.map(({ text, strong }) => [text, !!strong])).toEqual([
			['Moved from ', false],
			['Lead', true],
			[' to ', false],
			['Won', true],
			[' by Ann', false]
		]);
		const ru = emphasise((values: typeof inputs) => m.deal_timeline_moved(values, { locale: 'ru' }), inputs, ['who']);
		expect(ru.map((part) => part.text).join('')).toBe('Перенесена с этапа Lead на этап Won — Ann');
		expect(ru.filter((part) => part.strong).map((part) => part.text)).toEqual(['Lead', 'Won']);
	});

	it('picks the plural by the number while the bold count is the shown text', () => {
		const selected = (count: number) => emphasise((values: { count: number; shown: string }) => m.deals_selected(values, { locale: 'ru' }), { count, shown: String(count) });
		expect(selected(2).map((part) => part.text).join('')).toBe('Выбраны 2 сделки');
		expect(selected(5).map((part) => part.text).join('')).toBe('Выбрано 5 сделок');
		expect(selected(21).find((part) => part.strong)?.text).toBe('21');
	});
});

describe('counts of deals in Russian', () => {
	it('chooses one, few and many by the count, showing the formatted number', () => {
		const ru = (count: number) => m.deals_count({ count, shown: String(count) }, { locale: 'ru' });
		expect([1, 3, 5, 21, 22, 111].map(ru)).toEqual(['1 сделка', '3 сделки', '5 сделок', '21 сделка', '22 сделки', '111 сделок']);
		expect(m.deals_count({ count: 1234, shown: '1,234' }, { locale: 'en' })).toBe('1,234 deals');
		expect(m.deal_close_complete_tasks({ count: 1 }, { locale: 'en' })).toBe('Mark its open task done');
		expect(m.deal_close_complete_tasks({ count: 3 }, { locale: 'ru' })).toBe('Отметить 3 открытые задачи выполненными');
	});
});

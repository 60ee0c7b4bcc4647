import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkFieldValue, createDeal, dealFieldKey, isFieldFilled, isFieldValueShape, readDeal, updateDeal, type CustomFieldDef } from '../../../src/lib/model/index.js';
import { checkDeal } from '../../../src/lib/model/validate.js';
import { renderText } from '../../../src/lib/text.js';

const members = new Set(['u1']);
const def = (type: CustomFieldDef['type'], options: CustomFieldDef['options'] = []) => ({ label: 'Field', type, options });
const problem = (field: ReturnType<typeof def>, value: unknown) => {
	const text = checkFieldValue(field, value, { members });
	return text === null ? null : renderText(text, 'en');
};

describe('custom field values', () => {
	it('takes a value of each type and refuses what does not fit, naming the field', () => {
		const options = [
			{ id: 'a', label: 'A' },
			{ id: 'b', label: 'B' }
		];
		const cases: Array<[CustomFieldDef['type'], unknown[], unknown[]]> = [
			['text', ['hello'], ['', '   ', 42, 'x'.repeat(1001), 'nul\u0000']],
			['number', [0, -3.5, 1e15], ['5', Number.NaN, Infinity, 1e16]],
			['money', [{ amountMinor: 1200, currency: 'EUR' }, { amountMinor: -5, currency: 'RUB' }], [{ amountMinor: 1.5, currency: 'EUR' }, { amountMinor: 1, currency: 'eur' }, { amountMinor: 1, currency: 'EUR', x: 1 }, 12]],
			['date', ['2030-05-31', '2024-02-29'], ['2030-02-30', '31.05.2030', '2023-02-29']],
			['choice', ['a'], ['c', ['a'], '']],
			['multi_choice', [['a'], ['a', 'b']], [[], ['a', 'a'], ['c'], 'a']],
			['user', ['u1'], ['u2', '']],
			['link', ['https://example.com/x', 'http://a.b'], ['javascript:alert(1)', 'example.com', 'ftp://x.y']]
		];
		for (const [type, good, bad] of cases) {
			const field = def(type, options);
			for (const value of good) expect(problem(field, value), `${type} ${JSON.stringify(value)}`).toBeNull();
			for (const value of bad) expect(problem(field, value), `${type} ${JSON.stringify(value)}`).toMatch(/“Field”/);
		}
	});

	it('counts a value as filled only when it holds something', () => {
		expect([undefined, null, '', '  ', []].map(isFieldFilled)).toEqual([false, false, false, false, false]);
		expect(['x', 0, ['a'], { amountMinor: 0, currency: 'EUR' }].map(isFieldFilled)).toEqual([true, true, true, true]);
	});

	it('holds a deal’s values as keys of their own on the board, in a shape any field may take', () => {
		const doc = new Y.Doc();
		const clock = { now: () => '2030-01-01T00:00:00.000Z' };
		doc.getMap('stages').set('s1', new Y.Map<unknown>(Object.entries({ name: 'New', rank: 'a0', kind: 'open', probability: 10 })));
		createDeal(doc, { id: 'd1', title: 'Deal', valueMinor: 1, currency: 'EUR', stageId: 's1', ownerId: 'u1', fields: { f1: 'hot' } }, { id: 't1', type: 'call', title: 'Call', dueAt: clock.now() }, clock);
		const map = doc.getMap<Y.Map<unknown>>('deals').get('d1')!;
		expect(map.get(dealFieldKey('f1'))).toBe('hot');
		updateDeal(doc, 'd1', { fields: { f2: ['a'], f1: null } }, clock);
		expect(readDeal(doc, 'd1')?.fields).toEqual({ f2: ['a'] });
		expect(checkDeal(doc, 'd1')).toEqual([]);
		map.set(dealFieldKey('f3'), { nested: { deep: true } });
		expect(checkDeal(doc, 'd1').map((violation) => violation.rule)).toEqual(['schema']);
		expect([isFieldValueShape(true), isFieldValueShape(null), isFieldValueShape([1]), isFieldValueShape('x')]).toEqual([false, false, false, true]);
	});
});

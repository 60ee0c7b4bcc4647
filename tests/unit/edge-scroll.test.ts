import { describe, expect, it } from 'vitest';
import { ColumnPager, glideSpeed } from '../../src/lib/board/edge-scroll';

describe('the column pager of a finger drag on a phone', () => {
	it('turns one column after the finger rests at an edge, then one more only after a further pause', () => {
		const pager = new ColumnPager(450, 900);
		expect(pager.step(1, 0)).toBe(0);
		expect(pager.step(1, 449)).toBe(0);
		expect(pager.step(1, 450)).toBe(1);
		// Held on: no second turn until the repeat delay has passed.
		expect(pager.step(1, 1000)).toBe(0);
		expect(pager.step(1, 1349)).toBe(0);
		expect(pager.step(1, 1350)).toBe(1);
	});

	it('starts over when the finger leaves the edge or goes to the other one', () => {
		const pager = new ColumnPager(450, 900);
		pager.step(1, 0);
		expect(pager.step(0, 300)).toBe(0);
		expect(pager.step(1, 400)).toBe(0);
		expect(pager.step(1, 800)).toBe(0);
		expect(pager.step(-1, 860)).toBe(0);
		expect(pager.step(-1, 1309)).toBe(0);
		expect(pager.step(-1, 1310)).toBe(-1);
	});
});

describe('the glide of a mouse drag near an edge', () => {
	it('is faster nearer the edge and never zero inside the band', () => {
		expect(glideSpeed(0)).toBe(18);
		expect(glideSpeed(-10)).toBe(18);
		expect(glideSpeed(28)).toBe(9);
		expect(glideSpeed(55)).toBeGreaterThan(0);
	});
});

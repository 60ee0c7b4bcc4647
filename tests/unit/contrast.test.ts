import { describe, expect, it } from 'vitest';
import { colorOf } from '../../src/lib/board/people';
import { contrastRatio, prefersDarkText, textColorOn } from '../../src/lib/contrast';

describe('text on a colour the user chose', () => {
	it('is white on dark colours and dark on light ones', () => {
		expect(textColorOn('#1e293b')).toBe('var(--color-on-dark)');
		expect(textColorOn('#fde68a')).toBe('var(--color-on-light)');
		expect(textColorOn('#f59e0b')).toBe('var(--color-on-light)');
	});

	it('falls back to white for a value that is not #rrggbb', () => {
		expect(textColorOn('var(--gray-400)')).toBe('var(--color-on-dark)');
	});

	it('reads at 4.5:1 or more on every avatar colour', () => {
		const colours = new Set(Array.from({ length: 400 }, (_, i) => colorOf(`user-${i}`)));
		expect(colours.size).toBeGreaterThan(5);
		for (const colour of colours) {
			const text = prefersDarkText(colour) ? '#0f172a' : '#ffffff';
			expect(contrastRatio(colour, text), colour).toBeGreaterThanOrEqual(4.5);
		}
	});
});

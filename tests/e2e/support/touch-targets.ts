import type { Page } from 'playwright-core';

/** A control too small for a finger, or what pushes the page wider than the screen. */
export interface LayoutProblem {
	what: string;
	box: { x: number; y: number; width: number; height: number };
}

/** Half of the 44 px a finger needs, less a pixel for rounding. */
const reach = 21;

/**
 * The touch-target rule of the phone layout, checked in the page: every
 * control on screen (links, buttons, inputs, selects, text areas, elements
 * with a button, checkbox or tab role or a tab stop) has a hit area of at
 * least 44x44 px, which is one of:
 *
 * - its own box, at least 44 px high and wide;
 * - its label (wrapping it or pointing at it), at least 44x44;
 * - a larger area around it that a finger landing 21 px above, below, left
 *   and right of its centre still hits (`elementFromPoint` finds the
 *   control, something inside it, or its label): padding, a pseudo-element.
 * - exempt: controls scrolled off screen or covered by something else (the
 *   point at their centre hits another element), links inside a sentence
 *   (WCAG 2.5.8's inline exception), and probes that fall off the screen.
 */
export async function smallTouchTargets(page: Page): Promise<LayoutProblem[]> {
	return page.evaluate((reach) => {
		const selector =
			'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="checkbox"], [role="tab"], [tabindex]:not([tabindex="-1"])';
		const problems: { what: string; box: { x: number; y: number; width: number; height: number } }[] = [];
		const answers = (control: Element, hit: Element | null): boolean => {
			if (!hit) return false;
			if (control === hit || control.contains(hit)) return true;
			const label = hit.closest('label');
			return !!label && (label.control === control || label.contains(control));
		};
		const describe = (control: Element) =>
			`${control.tagName.toLowerCase()}${control.getAttribute('type') ? `[type=${control.getAttribute('type')}]` : ''} "${(
				control.getAttribute('aria-label') ??
				control.textContent ??
				control.getAttribute('name') ??
				''
			)
				.trim()
				.replace(/\s+/g, ' ')
				.slice(0, 40)}"`;
		for (const control of document.querySelectorAll(selector)) {
			const rect = control.getBoundingClientRect();
			if (rect.width === 0 || rect.height === 0) continue;
			const cx = rect.left + rect.width / 2;
			const cy = rect.top + rect.height / 2;
			if (cx < 0 || cy < 0 || cx > innerWidth || cy > innerHeight) continue;
			if (!answers(control, document.elementFromPoint(cx, cy))) continue;
			const style = getComputedStyle(control);
			if (control.tagName === 'A' && style.display === 'inline') {
				const sentence = control.parentElement?.textContent?.replace(control.textContent ?? '', '').trim() ?? '';
				if (sentence.length > 0) continue;
			}
			if (rect.width >= 44 && rect.height >= 44) continue;
			const labels = [...((control as HTMLInputElement).labels ?? [])];
			if (labels.some((label) => label.getBoundingClientRect().width >= 44 && label.getBoundingClientRect().height >= 44)) continue;
			const probes = [
				[0, -reach],
				[0, reach],
				[-reach, 0],
				[reach, 0]
			] as const;
			const missed = probes.find(([dx, dy]) => {
				const x = cx + dx;
				const y = cy + dy;
				if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return false;
				return !answers(control, document.elementFromPoint(x, y));
			});
			if (missed) {
				const hit = document.elementFromPoint(cx + missed[0], cy + missed[1]);
				const where = `${missed[0]},${missed[1]} hits ${hit?.tagName.toLowerCase() ?? 'nothing'}.${hit?.className.toString().split(' ')[0] ?? ''}`;
				problems.push({ what: `${describe(control)} (${where})`, box: { x: rect.x, y: rect.y, width: rect.width, height: rect.height } });
			}
		}
		return problems;
	}, reach);
}

/** How far the page scrolls sideways beyond the screen: 0 when nothing overflows. */
export async function horizontalOverflow(page: Page): Promise<number> {
	return page.evaluate(() => document.scrollingElement!.scrollWidth - innerWidth);
}

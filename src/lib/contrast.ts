/**
 * Text on a colour the app does not control (a stage's, a person's): dark or
 * white, whichever contrasts more with it (WCAG 2 relative luminance), so it
 * reads the same in both themes. Returns a CSS value naming the token.
 */
export function textColorOn(hex: string): string {
	return prefersDarkText(hex) ? 'var(--color-on-light)' : 'var(--color-on-dark)';
}

/** True when dark text (#0f172a) contrasts more with the colour than white does. */
export function prefersDarkText(hex: string): boolean {
	const background = relativeLuminance(hex);
	if (background === null) return false;
	const onWhite = 1.05 / (background + 0.05);
	const onDark = (background + 0.05) / (relativeLuminance('#0f172a')! + 0.05);
	return onDark > onWhite;
}

/** WCAG 2 relative luminance of a #rrggbb colour, or null for anything else. */
export function relativeLuminance(hex: string): number | null {
	const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
	if (!match) return null;
	const [r, g, b] = match.slice(1).map((part) => {
		const channel = parseInt(part, 16) / 255;
		return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
	}) as [number, number, number];
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
	const [x, y] = [relativeLuminance(a) ?? 0, relativeLuminance(b) ?? 0].sort((p, q) => q - p) as [number, number];
	return (x + 0.05) / (y + 0.05);
}

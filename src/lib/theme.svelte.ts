/**
 * The colour theme, chosen per device: System (follows prefers-color-scheme),
 * Light or Dark, kept in localStorage. static/theme-boot.js applies the same
 * choice before the first paint (a blocking script in app.html, allowed by the
 * CSP's 'self' where an inline one would need a hash); this module keeps it
 * applied afterwards: when the user switches, when the system setting changes,
 * and when another tab switches. Keep the key and colours in step with it.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const themeChoices: readonly ThemeChoice[] = ['system', 'light', 'dark'];

const storageKey = 'voronka.theme';
const darkQuery = '(prefers-color-scheme: dark)';

/** The browser bar's colour: the top bar's surface in each theme, so the two meet. */
export const themeColors: Record<Theme, string> = { light: '#ffffff', dark: '#141c2a' };

let choice = $state<ThemeChoice>(readChoice());
let systemDark = $state(typeof matchMedia === 'function' && matchMedia(darkQuery).matches);

export const theme = {
	get choice(): ThemeChoice {
		return choice;
	},
	/** The theme on screen: the choice, with System resolved. */
	get current(): Theme {
		return resolveTheme(choice, systemDark);
	}
};

export function resolveTheme(chosen: ThemeChoice, prefersDark: boolean): Theme {
	if (chosen === 'system') return prefersDark ? 'dark' : 'light';
	return chosen;
}

/** Makes the choice this device's and puts it on screen at once. */
export function chooseTheme(next: ThemeChoice): void {
	choice = next;
	try {
		if (next === 'system') localStorage.removeItem(storageKey);
		else localStorage.setItem(storageKey, next);
	} catch {
		// Storage can be refused (private mode); the choice then lasts this page.
	}
	applyTheme();
}

/**
 * Keeps the page's theme in step with the system setting and other tabs;
 * returns the function that stops listening. Called once by the root layout.
 */
export function followTheme(): () => void {
	const media = matchMedia(darkQuery);
	const onSystemChange = () => {
		systemDark = media.matches;
		applyTheme();
	};
	const onStorage = (event: StorageEvent) => {
		if (event.key !== storageKey && event.key !== null) return;
		choice = readChoice();
		applyTheme();
	};
	media.addEventListener('change', onSystemChange);
	addEventListener('storage', onStorage);
	onSystemChange();
	return () => {
		media.removeEventListener('change', onSystemChange);
		removeEventListener('storage', onStorage);
	};
}

function applyTheme(): void {
	const current = theme.current;
	document.documentElement.dataset.theme = current;
	document.querySelector('meta[name="theme-color"]')?.setAttribute('content', themeColors[current]);
}

function readChoice(): ThemeChoice {
	try {
		const stored = globalThis.localStorage?.getItem(storageKey);
		return stored === 'light' || stored === 'dark' ? stored : 'system';
	} catch {
		return 'system';
	}
}

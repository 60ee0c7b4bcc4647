import { dev } from '$app/environment';

/**
 * The service worker (src/service-worker.ts) from the page's side: registered
 * in production builds only (in development Vite serves changing modules that
 * a cache would only get in the way of), and a new version offered, never
 * forced: a new worker waits until the user chooses to reload.
 */
class AppUpdates {
	/** A new version is installed and waiting for the user's go. */
	waiting = $state<ServiceWorker | null>(null);
}

export const appUpdates = new AppUpdates();

/** How often an open app asks the server for a newer version. */
const checkEveryMs = 60 * 60 * 1000;

export function registerServiceWorker(): void {
	if (dev || !('serviceWorker' in navigator)) return;
	void navigator.serviceWorker.register('/service-worker.js').then(watch, () => {
		// No worker (a private window, an old browser): the app still works online.
	});
}

function watch(registration: ServiceWorkerRegistration): void {
	// A worker waiting from an earlier visit, or one that finishes installing now.
	// Without a controller this is the first install: nothing to replace.
	const offer = () => {
		if (registration.waiting && navigator.serviceWorker.controller) appUpdates.waiting = registration.waiting;
	};
	offer();
	registration.addEventListener('updatefound', () => {
		const installing = registration.installing;
		installing?.addEventListener('statechange', () => {
			if (installing.state === 'installed') offer();
		});
	});
	setInterval(() => void registration.update().catch(() => {}), checkEveryMs);
	window.addEventListener('online', () => void registration.update().catch(() => {}));
}

/** The user chose the new version: let it take over, then load the page from it. */
export function applyUpdate(): void {
	const worker = appUpdates.waiting;
	if (!worker) return;
	navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
	worker.postMessage({ type: 'SKIP_WAITING' });
}

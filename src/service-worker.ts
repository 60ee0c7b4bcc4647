/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

/**
 * The app shell offline. One cache per version holds the SPA's page (the
 * fallback index.html), the built assets and the static files; navigations are
 * answered with that page and the assets from the cache, so the app opens
 * without a network. The server's answers (/api, /sync, /healthz) are never
 * cached: nothing of a user's data stays in here, and logging out has nothing
 * of theirs to find. A new version installs beside the old one and waits until
 * the page asks it to take over (the "new version" prompt).
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
const cacheName = `voronka-shell-${version}`;
const shellPath = '/';
/** Screenshots are for the install dialog only: not worth a phone's storage. */
const precached = [shellPath, ...build, ...files.filter((file) => !file.startsWith('/screenshots/'))];
const precachedPaths = new Set(precached);

sw.addEventListener('install', (event) => {
	event.waitUntil(caches.open(cacheName).then((cache) => cache.addAll(precached)));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const name of await caches.keys()) if (name !== cacheName) await caches.delete(name);
			// The first install takes the open page at once, so it works offline from its first visit.
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

/** Answered by the server alone, never from or into the cache. */
function isServerOnly(path: string): boolean {
	return path.startsWith('/api/') || path === '/api' || path.startsWith('/sync/') || path === '/healthz';
}

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin || isServerOnly(url.pathname)) return;
	if (request.mode === 'navigate') event.respondWith(fromCache(shellPath, request));
	else if (precachedPaths.has(url.pathname)) event.respondWith(fromCache(url.pathname, request));
});

/** The cached copy, else the network (a cache the browser evicted must not break the app). */
async function fromCache(path: string, request: Request): Promise<Response> {
	const cache = await caches.open(cacheName);
	return (await cache.match(path)) ?? fetch(request);
}

/** What the server pushes (server/notifications/web-push.ts PushPayload), already in the user's language. */
interface PushPayload {
	title: string;
	body: string;
	url: string;
	tag: string;
}

sw.addEventListener('push', (event) => {
	let payload: PushPayload | null = null;
	try {
		payload = event.data?.json() as PushPayload;
	} catch {
		// Browsers require every push to show something; an unreadable one still says the app has news.
	}
	const title = payload?.title ?? 'Voronka';
	event.waitUntil(
		sw.registration.showNotification(title, {
			body: payload?.body ?? '',
			tag: payload?.tag,
			icon: '/icons/icon-192.png',
			badge: '/icons/icon-192.png',
			data: { url: payload?.url ?? '/' }
		})
	);
});

sw.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const path = typeof event.notification.data?.url === 'string' && event.notification.data.url.startsWith('/') ? event.notification.data.url : '/';
	const target = new URL(path, sw.location.origin).href;
	event.waitUntil(
		(async () => {
			// An open window of the app goes to the notification's page; else a new one opens.
			const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
			const open = windows.find((client) => new URL(client.url).origin === sw.location.origin);
			if (open) {
				await open.focus();
				await open.navigate(target).catch(() => sw.clients.openWindow(target));
				return;
			}
			await sw.clients.openWindow(target);
		})()
	);
});

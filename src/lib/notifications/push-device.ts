/**
 * This browser's Web Push subscription: asks the user's permission and
 * subscribes with the server's VAPID key, or unsubscribes. The service
 * worker (src/service-worker.ts) shows what arrives.
 */
import { api, call } from '$lib/api/client';

export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

export function isPushSupported(): boolean {
	return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && window.isSecureContext;
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
	return (await navigator.serviceWorker.getRegistration()) ?? null;
}

export async function readPushState(): Promise<PushState> {
	if (!isPushSupported()) return 'unsupported';
	if (Notification.permission === 'denied') return 'denied';
	const subscription = await (await registration())?.pushManager.getSubscription();
	return subscription ? 'on' : 'off';
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
	const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
	const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
	const bytes = new Uint8Array(new ArrayBuffer(raw.length));
	for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
	return bytes;
}

export async function enablePush(): Promise<PushState> {
	if (!isPushSupported()) return 'unsupported';
	if ((await Notification.requestPermission()) !== 'granted') return Notification.permission === 'denied' ? 'denied' : 'off';
	const worker = (await registration()) ?? (await navigator.serviceWorker.ready);
	const { publicKey } = await call(api.api.push.key.$get());
	const subscription = await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
	const json = subscription.toJSON();
	await call(
		api.api.me['push-subscriptions'].$post({ json: { endpoint: subscription.endpoint, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } } })
	);
	return 'on';
}

export async function disablePush(): Promise<PushState> {
	const subscription = await (await registration())?.pushManager.getSubscription();
	if (subscription) {
		await call(api.api.me['push-subscriptions'].$delete({ query: { endpoint: subscription.endpoint } })).catch(() => undefined);
		await subscription.unsubscribe();
	}
	return 'off';
}

import { createDecipheriv, createECDH, createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A browser's side of a push subscription: a P-256 key pair and a 16-byte auth secret. */
export function createSubscriberKeys() {
	const ecdh = createECDH('prime256v1');
	ecdh.generateKeys();
	const auth = randomBytes(16);
	return {
		ecdh,
		auth,
		json: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') }
	};
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/**
 * Decrypts an aes128gcm Web Push body (RFC 8188 framing, RFC 8291 keys) with
 * the subscriber's private key and auth secret, as a browser does.
 */
export function decryptPush(body: Buffer, subscriber: ReturnType<typeof createSubscriberKeys>): string {
	const salt = body.subarray(0, 16);
	const idLength = body.readUInt8(20);
	const serverPublic = body.subarray(21, 21 + idLength);
	const ciphertext = body.subarray(21 + idLength);
	const shared = subscriber.ecdh.computeSecret(serverPublic);
	const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscriber.ecdh.getPublicKey(), serverPublic]);
	const ikm = hmac(hmac(subscriber.auth, shared), Buffer.concat([keyInfo, Buffer.from([1])]));
	const prk = hmac(salt, ikm);
	const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
	const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
	const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
	decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
	const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
	// The last record ends with the delimiter 0x02, then zero padding.
	let end = padded.length - 1;
	while (end >= 0 && padded[end] === 0) end -= 1;
	if (padded[end] !== 2) throw new Error('no last-record delimiter');
	return padded.subarray(0, end).toString('utf8');
}

export interface ReceivedPush {
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** A push service on 127.0.0.1: records what it receives, answers `status` (201, or 410 to say "gone"). */
export async function startPushService() {
	const received: ReceivedPush[] = [];
	const state = { status: 201 };
	const server: Server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
			response.statusCode = state.status;
			response.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { url, received, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

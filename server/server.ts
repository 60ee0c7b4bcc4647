import { createAdaptorServer, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createVoronka, type AppOptions } from './app.js';
import { Redis } from 'ioredis';
import { AuthThrottle } from './auth/throttle.js';
import { IntakeThrottle } from './intake/intake-throttle.js';
import { connectRedisFanout } from './sync/fanout.js';
import type { RoomManager } from './sync/rooms.js';
import type { Notifier } from './notifications/notifier.js';

/**
 * How many connections the kernel may hold for us before we accept them
 * (capped by net.core.somaxconn). Node's default, 511, overflows when a few
 * thousand sockets reconnect at once after a network drop: the kernel then
 * drops their handshakes and each client resends on TCP's backoff (1, 3, 7,
 * 15, 31, 63 s), so a storm the server could clear in seconds took minutes
 * with the server mostly idle.
 */
const listenBacklog = 4096;

export interface RunningServer {
	url: string;
	rooms: RoomManager;
	notifier: Notifier;
	close(): Promise<void>;
}

/**
 * Starts the HTTP server on the configured host and port (0 picks a free
 * port), connected to the other nodes when REDIS_URL is set.
 */
export async function startServer(options: AppOptions): Promise<RunningServer> {
	const redisUrl = options.config.REDIS_URL;
	const fanout = options.fanout ?? (redisUrl ? await connectRedisFanout(redisUrl) : undefined);
	// Several nodes count logins and sign-ups together, or each would allow its own share.
	const throttleRedis = redisUrl && !options.throttle ? new Redis(redisUrl, { maxRetriesPerRequest: 3 }) : null;
	throttleRedis?.on('error', (error) => console.error('login throttle: redis', error.message));
	const throttle = options.throttle ?? (throttleRedis ? AuthThrottle.inRedis(throttleRedis, options.limits) : undefined);
	const intakeThrottle = options.intakeThrottle ?? (throttleRedis ? IntakeThrottle.inRedis(throttleRedis, options.intakeLimits) : undefined);
	const { app, injectWebSocket, rooms, connections, sockets, imports, events, notifier } = createVoronka({ ...options, fanout, throttle, intakeThrottle });
	return new Promise((resolve, reject) => {
		const onError = (error: Error) => reject(error);
		const server: ServerType = createAdaptorServer({ fetch: app.fetch });
		server.listen({ host: options.config.HOST, port: options.config.PORT, backlog: listenBacklog }, () => {
			server.off('error', onError);
			const info = server.address() as AddressInfo;
			const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
			resolve({
				url: `http://${host}:${info.port}`,
				rooms,
				notifier,
				close: async () => {
					// Stop accepting, flush and snapshot every room, then drop what is left.
					const closed = new Promise<void>((done) => server.close(() => done()));
					(server as { closeAllConnections?: () => void }).closeAllConnections?.();
					connections.stop();
					events.close();
					// An import stops between batches; the next start goes on from there.
					await imports.stop();
					await rooms.closeAll();
					for (const socket of sockets.clients) socket.terminate();
					await closed;
					if (fanout && !options.fanout) await fanout.close();
					await throttleRedis?.quit().catch(() => undefined);
				}
			});
		});
		injectWebSocket(server);
		server.once('error', onError);
	});
}

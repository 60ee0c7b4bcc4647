import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from './app.js';

export interface RunningServer {
	url: string;
	close(): Promise<void>;
}

/** Starts the HTTP server on the configured host and port (0 picks a free port). */
export function startServer(options: AppOptions): Promise<RunningServer> {
	const app = createApp(options);
	return new Promise((resolve, reject) => {
		let server: ServerType;
		const onError = (error: Error) => reject(error);
		server = serve({ fetch: app.fetch, hostname: options.config.HOST, port: options.config.PORT }, (info: AddressInfo) => {
			server.off('error', onError);
			const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
			resolve({
				url: `http://${host}:${info.port}`,
				close: () =>
					new Promise<void>((done) => {
						server.close(() => done());
						// Keep-alive sockets would hold close() open for their timeout.
						(server as { closeAllConnections?: () => void }).closeAllConnections?.();
					})
			});
		});
		server.once('error', onError);
	});
}

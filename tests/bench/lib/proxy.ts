// A tiny round-robin TCP proxy (enough for WebSockets, which are TCP after
// the upgrade): each new connection goes to the next backend; a backend
// that refuses (a killed node) is skipped for that connection. With one
// backend it is a plain relay that can cut the link (nodes.ts, Redis).
import net from 'node:net';

export interface Proxy {
	url: string;
	/** Connections handed to each backend so far. */
	handed: number[];
	/** Drops every connection through the proxy and refuses new ones for `ms` (a network cut). */
	cut(ms: number): void;
	close(): Promise<void>;
}

export async function startRoundRobinProxy(backendPorts: number[]): Promise<Proxy> {
	let next = 0;
	const handed = backendPorts.map(() => 0);
	const sockets = new Set<net.Socket>();
	let cutUntil = 0;
	const server = net.createServer((client) => {
		if (Date.now() < cutUntil) return client.destroy();
		// Hold what the client sends until a backend is connected.
		client.pause();
		sockets.add(client);
		client.on('close', () => sockets.delete(client));
		client.on('error', () => undefined);
		const tryBackend = (attempt: number) => {
			if (attempt >= backendPorts.length || client.destroyed) return client.destroy();
			const index = next++ % backendPorts.length;
			const upstream = net.connect(backendPorts[index]!, '127.0.0.1');
			sockets.add(upstream);
			upstream.once('connect', () => {
				handed[index]! += 1;
				upstream.removeAllListeners('error');
				upstream.on('error', () => client.destroy());
				upstream.on('close', () => {
					sockets.delete(upstream);
					client.destroy();
				});
				client.on('close', () => upstream.destroy());
				client.pipe(upstream);
				upstream.pipe(client);
				client.resume();
			});
			upstream.once('error', () => {
				sockets.delete(upstream);
				tryBackend(attempt + 1);
			});
		};
		tryBackend(0);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address() as net.AddressInfo;
	return {
		url: `http://127.0.0.1:${address.port}`,
		handed,
		cut: (ms) => {
			cutUntil = Date.now() + ms;
			for (const socket of sockets) socket.destroy();
		},
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			})
	};
}

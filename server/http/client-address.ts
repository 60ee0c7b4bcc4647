import { BlockList, isIP } from 'node:net';
import type { ProxyTrust } from '../config.js';

/**
 * The client's address for a request that arrived from `socketAddress` with
 * the given X-Forwarded-For header. Without trust the header is ignored: any
 * client can write one. With trust, the header is read from the right (each
 * proxy appends the address it saw), and only as far as trusted proxies wrote
 * it, so a client's own entries on the left change nothing.
 */
export function findClientAddress(socketAddress: string, forwardedFor: string | undefined, trust: ProxyTrust | undefined): string {
	const socket = canonicalAddress(socketAddress);
	if (!trust || !forwardedFor) return socket;
	const chain = [...forwardedFor.split(',').map((entry) => canonicalAddress(entry.trim())), socket];
	if ('hops' in trust) return chain[Math.max(0, chain.length - 1 - trust.hops)] || socket;
	const trusted = blockListOf(trust.proxies);
	for (let index = chain.length - 1; index > 0; index--) {
		if (!isTrusted(trusted, chain[index]!)) return chain[index]!;
	}
	return chain[0] || socket;
}

/** `::ffff:192.0.2.1` (IPv4 seen by a dual-stack socket) counts as `192.0.2.1`. */
export function canonicalAddress(address: string): string {
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	return (mapped ? mapped[1]! : address).toLowerCase();
}

const blockLists = new WeakMap<string[], BlockList>();

function blockListOf(proxies: string[]): BlockList {
	const cached = blockLists.get(proxies);
	if (cached) return cached;
	const list = new BlockList();
	for (const entry of proxies) {
		const [address, bits] = entry.split('/') as [string, string | undefined];
		const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
		if (bits === undefined) list.addAddress(canonicalAddress(address), type);
		else list.addSubnet(canonicalAddress(address), Number(bits), type);
	}
	blockLists.set(proxies, list);
	return list;
}

function isTrusted(list: BlockList, address: string): boolean {
	const family = isIP(address);
	if (!family) return false;
	return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

import { describe, expect, it } from 'vitest';
import { findClientAddress } from '../../server/http/client-address.js';

describe('findClientAddress', () => {
	it('ignores X-Forwarded-For when no proxy is trusted: anyone can write one', () => {
		expect(findClientAddress('198.51.100.7', '203.0.113.5', undefined)).toBe('198.51.100.7');
	});

	it('reads one hop from the right, so entries a client wrote itself change nothing', () => {
		expect(findClientAddress('10.0.0.2', '203.0.113.5', { hops: 1 })).toBe('203.0.113.5');
		expect(findClientAddress('10.0.0.2', '1.2.3.4, 203.0.113.5', { hops: 1 })).toBe('203.0.113.5');
		expect(findClientAddress('10.0.0.2', '1.2.3.4, 203.0.113.5, 10.0.0.9', { hops: 2 })).toBe('203.0.113.5');
	});

	it('falls back to the socket when a trusted proxy sent no header', () => {
		expect(findClientAddress('10.0.0.2', undefined, { hops: 1 })).toBe('10.0.0.2');
	});

	it('skips listed proxies and ranges from the right and stops at the first stranger', () => {
		const trust = { proxies: ['10.0.0.0/8', '::1'] };
		expect(findClientAddress('::1', '1.2.3.4, 203.0.113.5, 10.1.2.3', trust)).toBe('203.0.113.5');
		// A request that did not come through a listed proxy is taken at its word: the socket.
		expect(findClientAddress('198.51.100.7', '203.0.113.5', trust)).toBe('198.51.100.7');
	});

	it('treats an IPv4 address seen by a dual-stack socket as the IPv4 address', () => {
		expect(findClientAddress('::ffff:192.0.2.1', undefined, undefined)).toBe('192.0.2.1');
		expect(findClientAddress('::ffff:127.0.0.1', '203.0.113.5', { proxies: ['127.0.0.1'] })).toBe('203.0.113.5');
	});
});

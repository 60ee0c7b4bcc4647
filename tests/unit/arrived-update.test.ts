import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyArrivedUpdate, type UpdateListener } from '../../src/lib/board/arrived-update';

/** A server's document with a few deals, and the update that brings a fresh copy up to it. */
function serverState(): { server: Y.Doc; update: Uint8Array } {
	const server = new Y.Doc();
	const deals = server.getMap('deals');
	for (let i = 0; i < 20; i++) {
		const deal = new Y.Map();
		deal.set('title', `Deal ${i}`);
		deal.set('stageId', 'lead');
		deals.set(`d${i}`, deal);
	}
	return { server, update: Y.encodeStateAsUpdate(server) };
}

/** A listener that records what it is handed. */
function recorder(): UpdateListener & { seen: Array<{ update: Uint8Array; origin: unknown }> } {
	const seen: Array<{ update: Uint8Array; origin: unknown }> = [];
	return Object.assign((update: Uint8Array, origin: unknown) => void seen.push({ update, origin }), { seen });
}

const provider = { name: 'the provider' };

describe('applyArrivedUpdate', () => {
	it('applies the update and hands the listeners the arrived bytes, not a copy Yjs encoded again', () => {
		const { server, update } = serverState();
		const doc = new Y.Doc();
		const listener = recorder();
		doc.on('update', listener);
		applyArrivedUpdate(doc, update, provider, [listener]);
		expect(doc.getMap('deals').toJSON()).toEqual(server.getMap('deals').toJSON());
		expect(listener.seen).toHaveLength(1);
		expect(listener.seen[0]!.update).toBe(update);
		expect(listener.seen[0]!.origin).toBe(provider);

		// Set back in place: a local edit afterwards reaches the listener as usual.
		doc.getMap('deals').delete('d0');
		expect(listener.seen).toHaveLength(2);
		expect(listener.seen[1]!.origin).toBeNull();
	});

	it('leaves a listener that was not attached detached', () => {
		const { update } = serverState();
		const doc = new Y.Doc();
		const closed = recorder();
		applyArrivedUpdate(doc, update, provider, [closed]);
		doc.getMap('deals').delete('d1');
		expect(closed.seen).toEqual([]);
	});

	it('hands the listeners what an observer wrote while the update was applied', () => {
		const { update } = serverState();
		const doc = new Y.Doc();
		const listener = recorder();
		doc.on('update', listener);
		// An observer that answers the server's change with a write of its own.
		doc.getMap('deals').observe((event) => {
			if (event.transaction.origin === provider) doc.getMap('meta').set('seen', true);
		});
		applyArrivedUpdate(doc, update, provider, [listener]);
		expect(doc.getMap('meta').get('seen')).toBe(true);

		// What the listeners were given rebuilds the document, the observer's write included.
		const rebuilt = new Y.Doc();
		for (const { update: part } of listener.seen) Y.applyUpdate(rebuilt, part);
		expect(rebuilt.getMap('meta').get('seen')).toBe(true);
		expect(rebuilt.getMap('deals').size).toBe(20);
		expect(listener.seen.at(-1)!.origin).toBeNull();
	});

	it('hands the listeners what the document took in when an observer throws, and throws', () => {
		const { server, update } = serverState();
		const doc = new Y.Doc();
		const listener = recorder();
		doc.on('update', listener);
		doc.getMap('deals').observe(() => {
			throw new Error('a broken observer');
		});
		expect(() => applyArrivedUpdate(doc, update, provider, [listener])).toThrow('a broken observer');
		expect(listener.seen).toHaveLength(1);
		const rebuilt = new Y.Doc();
		Y.applyUpdate(rebuilt, listener.seen[0]!.update);
		expect(rebuilt.getMap('deals').toJSON()).toEqual(server.getMap('deals').toJSON());
		expect(listener.seen[0]!.origin).toBe(provider);
	});

	it('never hands on bytes that did not decode', () => {
		const { update } = serverState();
		const doc = new Y.Doc();
		const listener = recorder();
		doc.on('update', listener);
		const broken = update.slice(0, 40);
		expect(() => applyArrivedUpdate(doc, broken, provider, [listener])).toThrow();
		expect(listener.seen.every((seen) => seen.update !== broken)).toBe(true);
		expect(doc.getMap('deals').size).toBe(0);
	});
});

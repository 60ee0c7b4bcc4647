import { describe, expect, it } from 'vitest';
import { ProjectionGate } from '../../../server/sync/projection-gate.js';

/** A piece of work that stays running until released, recording how many ran at once. */
function tracker() {
	let running = 0;
	let most = 0;
	const order: string[] = [];
	const releases = new Map<string, () => void>();
	const work = (name: string) => async () => {
		running += 1;
		most = Math.max(most, running);
		order.push(name);
		await new Promise<void>((resolve) => releases.set(name, resolve));
		running -= 1;
		return name;
	};
	const release = (name: string) => releases.get(name)!();
	return { work, release, order, most: () => most, running: () => running };
}

/** Two turns of the event loop: a projection handed the slot starts one turn later (see "lets the event loop turn"). */
const settle = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

describe('ProjectionGate', () => {
	it('runs one projection at a time at width 1, in the order they asked', async () => {
		const gate = new ProjectionGate(1);
		const t = tracker();
		const done = ['a', 'b', 'c'].map((name) => gate.run(t.work(name)));
		await settle();
		expect(t.order).toEqual(['a']);
		t.release('a');
		await settle();
		expect(t.order).toEqual(['a', 'b']);
		t.release('b');
		await settle();
		t.release('c');
		expect(await Promise.all(done)).toEqual(['a', 'b', 'c']);
		expect(t.most()).toBe(1);
	});

	it('runs up to its width at once', async () => {
		const gate = new ProjectionGate(2);
		const t = tracker();
		const done = ['a', 'b', 'c', 'd'].map((name) => gate.run(t.work(name)));
		await settle();
		expect(t.order).toEqual(['a', 'b']);
		t.release('b');
		await settle();
		expect(t.order).toEqual(['a', 'b', 'c']);
		t.release('a');
		t.release('c');
		await settle();
		t.release('d');
		await Promise.all(done);
		expect(t.most()).toBe(2);
	});

	it('lets the event loop turn before a projection starts, also one handed the slot', async () => {
		// On PGlite a whole projection runs in microtasks: without a turn, queued projections ran back to back
		// and no socket was read (no move appended) until the last one ended.
		const gate = new ProjectionGate(1);
		const order: string[] = [];
		const first = gate.run(async () => {
			order.push('first');
			setImmediate(() => order.push('a socket read'));
		});
		const second = gate.run(async () => void order.push('second'));
		await Promise.all([first, second]);
		expect(order).toEqual(['first', 'a socket read', 'second']);
	});

	it('frees the slot when a projection fails', async () => {
		const gate = new ProjectionGate(1);
		await expect(gate.run(async () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
		await expect(gate.run(async () => 'next')).resolves.toBe('next');
	});
});

import { describe, expect, it } from 'vitest';
import { UpdateCatchUp } from '../../server/sync/catch-up.js';
import type { DocStore } from '../../server/sync/persistence.js';

/** A log holding updates 1..3 whose reads wait until `release` is called. */
function slowLog() {
	let release!: () => void;
	const gate = new Promise<void>((resolve) => (release = resolve));
	const store = {
		listUpdateIds: async () => ({ ids: [1, 2, 3], snapshotUpTo: 0 }),
		loadUpdatesByIds: async (_docId: string, ids: number[]) => {
			await gate;
			return ids.map((id) => ({ id, bytes: new Uint8Array([id]) }));
		},
		loadSnapshot: async () => null
	} as unknown as DocStore;
	return { store, release };
}

describe('catching up with the update log', () => {
	it('integrates the rows it has not seen', async () => {
		const { store, release } = slowLog();
		const applied: number[] = [];
		const catchUp = new UpdateCatchUp({ store, docId: 'd', horizon: 0, everyMs: 60_000, settleMs: 0, apply: (bytes) => applied.push(bytes[0]!), failed: () => undefined });
		catchUp.noteSeen(2);
		release();
		expect(await catchUp.run()).toBe(2);
		expect(applied).toEqual([1, 3]);
	});

	it('applies nothing once stopped, even from a read that was in flight, and stop waits for it', async () => {
		const { store, release } = slowLog();
		const applied: number[] = [];
		const catchUp = new UpdateCatchUp({ store, docId: 'd', horizon: 0, everyMs: 60_000, settleMs: 0, apply: (bytes) => applied.push(bytes[0]!), failed: () => undefined });
		const inFlight = catchUp.run();
		await new Promise((resolve) => setTimeout(resolve, 5));
		let stopped = false;
		const stopping = catchUp.stop().then(() => (stopped = true));
		await new Promise((resolve) => setTimeout(resolve, 5));
		expect(stopped).toBe(false);
		release();
		await stopping;
		expect(await inFlight).toBe(0);
		expect(applied).toEqual([]);
		expect(await catchUp.run()).toBe(0);
	});
});

import { describe, expect, it } from 'vitest';
import { UpdateCatchUp } from '../../server/sync/catch-up.js';
import type { DocStore } from '../../server/sync/persistence.js';

/** A log holding updates 1..3 (of the epochs given) whose reads wait until `release` is called. */
function slowLog(epochs = [0, 0, 0], snapshotEpoch = 0) {
	let release!: () => void;
	const gate = new Promise<void>((resolve) => (release = resolve));
	const rows = epochs.map((epoch, index) => ({ id: index + 1, epoch }));
	const store = {
		listUpdateIds: async () => ({ rows, snapshotUpTo: 0, snapshotEpoch }),
		loadUpdatesByIds: async (_docId: string, ids: number[]) => {
			await gate;
			return rows.filter((row) => ids.includes(row.id)).map(({ id, epoch }) => ({ id, epoch, bytes: new Uint8Array([id]) }));
		},
		loadSnapshot: async () => null
	} as unknown as DocStore;
	return { store, release };
}

const options = { docId: 'd', horizon: 0, epoch: 0, everyMs: 60_000, settleMs: 0, failed: () => undefined };

describe('catching up with the update log', () => {
	it('integrates the rows it has not seen', async () => {
		const { store, release } = slowLog();
		const applied: number[] = [];
		const catchUp = new UpdateCatchUp({ ...options, store, apply: (bytes) => applied.push(bytes[0]!), superseded: () => undefined });
		catchUp.noteSeen(2);
		release();
		expect(await catchUp.run()).toBe(2);
		expect(applied).toEqual([1, 3]);
	});

	it('applies nothing once stopped, even from a read that was in flight, and stop waits for it', async () => {
		const { store, release } = slowLog();
		const applied: number[] = [];
		const catchUp = new UpdateCatchUp({ ...options, store, apply: (bytes) => applied.push(bytes[0]!), superseded: () => undefined });
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

	it('integrates nothing once the log shows a later epoch, and says the room is superseded', async () => {
		for (const [epochs, snapshotEpoch] of [[[0, 1, 1], 1], [[0, 0, 0], 1], [[0, 1, 1], 0]] as const) {
			const { store, release } = slowLog([...epochs], snapshotEpoch);
			release();
			const applied: number[] = [];
			let superseded = 0;
			const catchUp = new UpdateCatchUp({ ...options, store, apply: (bytes) => applied.push(bytes[0]!), superseded: () => (superseded += 1) });
			expect(await catchUp.run()).toBe(0);
			expect(applied, 'rows of the old epoch are not applied either: the room retires').toEqual([]);
			expect(superseded).toBe(1);
			expect(await catchUp.run(), 'it stays stopped').toBe(0);
			expect(superseded).toBe(1);
		}
	});
});

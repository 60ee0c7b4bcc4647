import * as Y from 'yjs';
import { initialiseBoard, type Clock } from '../../../src/lib/model/index.js';

export const clock: Clock = { now: () => '2026-11-23T10:00:00.000Z' };

export function newBoard(): Y.Doc {
	const doc = new Y.Doc();
	initialiseBoard(doc, { pipelineId: 'p1', workspaceId: 'w1', name: 'Sales', mode: 'free' }, [
		{ id: 'new', name: 'New lead', kind: 'open', probability: 10 },
		{ id: 'qualified', name: 'Qualified', kind: 'open', probability: 25 },
		{ id: 'meeting', name: 'Meeting', kind: 'open', probability: 40 },
		{ id: 'won', name: 'Won', kind: 'won', probability: 100 },
		{ id: 'lost', name: 'Lost', kind: 'lost', probability: 0 }
	]);
	return doc;
}

/** A replica of the document, as a second client would hold it. */
export function replicate(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

/** Exchanges what each side lacks, as the sync protocol does. */
export function syncBoth(a: Y.Doc, b: Y.Doc): void {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

export function task(id: string) {
	return { id, type: 'call' as const, title: 'Call back', dueAt: '2026-11-24T09:00:00.000Z' };
}

import { afterEach, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import {
	addTask,
	boardMaps,
	createDeal,
	listDeals,
	listStages,
	listTasksOfDeal,
	moveDeal,
	rankForDrop,
	readDeal,
	readTask,
	setTaskDone,
	validateBoard
} from '../../src/lib/model/index.js';
import { docSnapshots } from '../../server/db/schema.js';
import { loadDoc } from '../../server/sync/persistence.js';
import type { RunningServer } from '../../server/server.js';
import { contentOf, converged, pick, sameHistory, seededRandom } from '../support/board-load.js';
import { describeEachDatabase } from '../support/databases.js';
import { callApi, connectBoard, eventually, signUpOwner, startTestServer, type BoardClient } from '../support/sync-server.js';

/*
 * A rep works a board offline for a week (moves, new deals with their first
 * tasks, completions with next steps) while a colleague works the same board
 * online, long enough for the server to compact it. When the rep's
 * connection returns, both sides' work is on the board and every open deal
 * still has an active task.
 */

const seed = Number(process.env.CRASH_SEED ?? 20261130);
const weekStart = Date.parse('2026-11-16T08:00:00.000Z');
/** The offline week's clock: each edit an hour or so after the previous one. */
function weekClock() {
	let at = weekStart;
	return { now: () => new Date((at += 3_600_000 * 0.9)).toISOString() };
}
const liveClock = { now: () => new Date().toISOString() };
const task = (id: string, title = 'Call back') => ({ id, type: 'call' as const, title, dueAt: '2030-01-01T09:00:00.000Z' });

describeEachDatabase('a week offline', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	const connect = (...args: Parameters<typeof connectBoard>) => {
		const client = connectBoard(...args);
		clients.push(client);
		return client;
	};
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		await server?.close();
		server = null;
	});

	it('merges a week of offline work with a colleague’s, across compactions, and every open deal keeps an active task', async () => {
		const random = seededRandom(seed);
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const pipelineId = owner.pipeline.id;
		const traveller = connect(server.url, pipelineId, owner.token);
		const colleague = connect(server.url, pipelineId, owner.token);
		await Promise.all([traveller.synced(), colleague.synced()]);
		const stages = listStages(traveller.doc).filter((stage) => stage.kind === 'open').map((stage) => stage.id);

		// Deals 0-9 are the traveller's to move, 10-19 the colleague's, 20 both move; "shared" has two tasks.
		for (let i = 0; i < 21; i++) {
			createDeal(colleague.doc, { id: `deal-${i}`, title: `Deal ${i}`, valueMinor: i, currency: 'EUR', stageId: stages[0]!, ownerId: owner.userId }, task(`deal-${i}-first`), liveClock);
		}
		createDeal(colleague.doc, { id: 'shared', title: 'Shared', valueMinor: 5, currency: 'EUR', stageId: stages[0]!, ownerId: owner.userId }, task('shared-call'), liveClock);
		addTask(colleague.doc, 'shared', task('shared-email', 'Send the proposal'));
		await eventually(() => converged([traveller.doc, colleague.doc]), 'both see the starting board');

		traveller.provider.disconnect();
		const week = weekClock();
		const travellerMoves = new Map<string, { stageId: string; rank: string }>();
		const moveRandomly = (doc: Y.Doc, dealId: string, clock: { now: () => string }) => {
			const stageId = pick(random, stages);
			const column = listDeals(doc).filter((deal) => deal.stageId === stageId && deal.id !== dealId).sort((a, b) => (a.rank < b.rank ? -1 : 1));
			const at = Math.floor(random() * (column.length + 1));
			const rank = rankForDrop(doc, stageId, column[at - 1]?.id ?? null, column[at]?.id ?? null);
			moveDeal(doc, dealId, stageId, rank, clock);
			return { stageId, rank };
		};
		// The offline week: 150 moves, 15 new deals, 20 completions with a next step, and one completion on "shared".
		const created: string[] = [];
		const travellerCompletions: string[] = [];
		for (let step = 0; step < 150; step++) {
			const dealId = step % 10 === 9 ? 'deal-20' : `deal-${Math.floor(random() * 10)}`;
			const moved = moveRandomly(traveller.doc, dealId, week);
			if (dealId !== 'deal-20') travellerMoves.set(dealId, moved);
			if (step % 10 === 0) {
				const id = `offline-deal-${step / 10}`;
				createDeal(traveller.doc, { id, title: `Met at the fair ${step / 10}`, valueMinor: 100 * step, currency: 'EUR', stageId: pick(random, stages), ownerId: owner.userId }, task(`${id}-first`), week);
				created.push(id);
			}
			if (step % 7 === 0) {
				const dealId = `deal-${Math.floor(random() * 10)}`;
				const active = listTasksOfDeal(traveller.doc, dealId).find((t) => !t.done)!;
				setTaskDone(traveller.doc, active.id, true, week, task(`offline-next-${step}`, 'Follow up'));
				travellerCompletions.push(active.id);
			}
		}
		setTaskDone(traveller.doc, 'shared-call', true, week);
		expect(validateBoard(traveller.doc), 'the offline board is valid on its own').toEqual([]);

		// Meanwhile the colleague works online: enough separate updates for the server to compact.
		const colleagueMoves = new Map<string, { stageId: string; rank: string }>();
		const colleagueCompletions: string[] = [];
		setTaskDone(colleague.doc, 'shared-email', true, liveClock);
		const watcher = connect(server.url, pipelineId, owner.token);
		await watcher.synced();
		for (let step = 0; step < 540; step++) {
			const dealId = step % 10 === 9 ? 'deal-20' : `deal-${10 + Math.floor(random() * 10)}`;
			const moved = moveRandomly(colleague.doc, dealId, liveClock);
			if (dealId !== 'deal-20') colleagueMoves.set(dealId, moved);
			if (step % 50 === 0 && dealId !== 'deal-20') {
				const active = listTasksOfDeal(colleague.doc, dealId).find((t) => !t.done)!;
				setTaskDone(colleague.doc, active.id, true, liveClock, task(`online-next-${step}`, 'Follow up'));
				colleagueCompletions.push(active.id);
			}
			// One update per step: wait until it went round, so each is stored on its own.
			await eventually(() => sameHistory(watcher.doc, colleague.doc), `step ${step} reaches the watcher`);
		}
		const [snapshot] = await database().db.select().from(docSnapshots).where(eq(docSnapshots.docId, pipelineId));
		expect(snapshot, 'the server compacted the board while the traveller was away').toBeDefined();

		// The traveller is back.
		traveller.provider.connect();
		await traveller.synced();
		await eventually(() => converged([traveller.doc, colleague.doc, watcher.doc]), 'everyone converges', 10_000);
		const fresh = connect(server.url, pipelineId, owner.token);
		await fresh.synced();
		const board = fresh.doc;

		expect(traveller.refusals, 'none of the offline week was refused').toEqual([]);
		expect(colleague.refusals).toEqual([]);
		for (const [dealId, moved] of travellerMoves) expect(pickPlace(board, dealId), `${dealId}, moved offline`).toEqual(moved);
		for (const [dealId, moved] of colleagueMoves) expect(pickPlace(board, dealId), `${dealId}, moved online`).toEqual(moved);
		expect([readDeal(traveller.doc, 'deal-20')!.stageId, readDeal(colleague.doc, 'deal-20')!.stageId]).toContain(readDeal(board, 'deal-20')!.stageId);
		for (const id of created) {
			expect(readDeal(board, id)?.title, `${id}, created offline`).toMatch(/^Met at the fair/);
			expect(readTask(board, `${id}-first`)?.done).toBe(false);
		}
		const nextSteps = (prefix: string) => [...boardMaps(board).tasks.keys()].filter((id) => id.startsWith(prefix));
		expect(nextSteps('offline-next-'), 'every next step planned offline').toHaveLength(Math.ceil(150 / 7));
		expect(nextSteps('online-next-'), 'every next step planned online').toHaveLength(colleagueCompletions.length);
		for (const taskId of travellerCompletions) expect(readTask(board, taskId)?.done, `${taskId}, completed offline`).toBe(true);
		for (const taskId of colleagueCompletions) expect(readTask(board, taskId)?.done, `${taskId}, completed online`).toBe(true);

		// Both completed one of "shared"'s two tasks, each valid alone: the server repaired the merge.
		expect(readTask(board, 'shared-call')?.done).toBe(true);
		expect(readTask(board, 'shared-email')?.done).toBe(true);
		const repairs = listTasksOfDeal(board, 'shared').filter((t) => t.auto === true);
		expect(repairs).toHaveLength(1);
		expect(repairs[0]).toMatchObject({ title: 'Plan the next step', done: false, assigneeId: owner.userId, type: 'todo' });
		expect(validateBoard(board).filter((violation) => violation.rule === 'deal-without-task')).toEqual([]);
		expect(validateBoard(board)).toEqual([]);

		// What is stored is what everyone sees, and the projection agrees.
		// The projection follows the broadcast in its own queue: give it a moment under load.
		const openDeals = () => callApi(server!.url, 'GET', `/api/pipelines/${pipelineId}/deals?status=open&limit=100`, { token: owner.token });
		await eventually(async () => (await openDeals()).body.deals.length === listDeals(board).length, 'the projection has every deal', 10_000);
		const list = await openDeals();
		expect(list.body.deals).toHaveLength(listDeals(board).length);
		expect(list.body.deals.every((deal: { nextTask: unknown }) => deal.nextTask !== null)).toBe(true);
		const content = contentOf(board);
		for (const client of clients.splice(0)) client.destroy();
		await server.close();
		server = null;
		const stored = await loadDoc(database().db, pipelineId);
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, stored.state!);
		expect(contentOf(reloaded)).toBe(content);
	}, 120_000);

	it('keeps, without refusing it, a move made the moment the connection returns while the offline edits still sync', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const pipelineId = owner.pipeline.id;
		const rep = connect(server.url, pipelineId, owner.token);
		const other = connect(server.url, pipelineId, owner.token);
		await Promise.all([rep.synced(), other.synced()]);
		const [first, second, third] = listStages(rep.doc).map((stage) => stage.id);
		for (const id of ['handshake', 'elsewhere']) {
			createDeal(rep.doc, { id, title: id, valueMinor: 1, currency: 'EUR', stageId: first!, ownerId: owner.userId }, task(`${id}-call`), liveClock);
		}
		await eventually(() => converged([rep.doc, other.doc]), 'the other client sees both deals');

		rep.provider.disconnect();
		moveDeal(rep.doc, 'elsewhere', second!, undefined, liveClock);
		// The socket is open and the sync handshake has not run: the stock client
		// sends this edit at once, before the offline one it builds on.
		const moveOnOpen = ({ status }: { status: string }) => {
			if (status !== 'connected') return;
			rep.provider.off('status', moveOnOpen);
			moveDeal(rep.doc, 'handshake', third!, undefined, liveClock);
		};
		rep.provider.on('status', moveOnOpen);
		rep.provider.connect();
		await rep.synced();
		await eventually(() => converged([rep.doc, other.doc]), 'both converge');

		expect(rep.refusals, 'a valid move is not refused').toEqual([]);
		expect(readDeal(other.doc, 'handshake')?.stageId).toBe(third);
		expect(readDeal(other.doc, 'elsewhere')?.stageId).toBe(second);
		expect(validateBoard(other.doc)).toEqual([]);
	});
});

function pickPlace(doc: Y.Doc, dealId: string) {
	const deal = readDeal(doc, dealId);
	return deal && { stageId: deal.stageId, rank: deal.rank };
}

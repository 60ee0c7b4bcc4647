import type { Database } from '../../server/db/client.js';
import { Health } from '../../server/health.js';
import { defaultSyncLimits, type SyncLimits } from '../../server/sync/limits.js';
import { createDocStore, defaultCompaction, type CompactionPolicy, type DocStore } from '../../server/sync/persistence.js';
import { Room } from '../../server/sync/room.js';

/**
 * A room outside a running server, on a real database, for tests of the
 * sync core: no pipeline row, members given, no projection.
 */
export function loadTestRoom(
	db: Database,
	docId: string,
	options: {
		now?: () => Date;
		members?: string[];
		compaction?: Partial<CompactionPolicy>;
		store?: DocStore;
		limits?: Partial<SyncLimits>;
		health?: Health;
		idsOnOtherBoards?: (ids: { deals: string[]; tasks: string[] }) => Promise<string[]>;
	} = {}
): Promise<Room> {
	return Room.load({
		store: options.store ?? createDocStore(db),
		docId,
		workspaceId: 'w',
		now: options.now ?? (() => new Date()),
		health: options.health ?? new Health(() => {}),
		limits: { ...defaultSyncLimits, ...options.limits },
		compaction: { ...defaultCompaction, ...options.compaction },
		lookups: {
			idsOnOtherBoards: options.idsOnOtherBoards ?? (async () => []),
			memberIds: async () => new Set(options.members ?? ['u'])
		}
	});
}

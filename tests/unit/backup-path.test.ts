import { describe, expect, it } from 'vitest';
import { defaultBackupPath } from '../../server/db/backup.js';

describe('default backup file name', () => {
	const now = new Date('2026-11-30T19:05:07.123Z');

	it('names the file by its UTC time, with no colon, under backups/', () => {
		expect(defaultBackupPath('postgres', now, '/srv/voronka')).toBe('/srv/voronka/backups/voronka-2026-11-30T19-05-07Z.dump');
		expect(defaultBackupPath('pglite', now, '/srv/voronka')).toBe('/srv/voronka/backups/voronka-2026-11-30T19-05-07Z.tar.gz');
	});

	it('sorts by time as text', () => {
		const earlier = defaultBackupPath('pglite', new Date('2026-02-03T04:05:06Z'), '/b');
		const later = defaultBackupPath('pglite', new Date('2026-11-30T00:00:00Z'), '/b');
		expect([later, earlier].sort()).toEqual([earlier, later]);
	});
});

import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBuildStale } from '../../server/build-app.js';

/** A project whose build is an hour old and whose sources are two hours old. */
function project(): string {
	const root = mkdtempSync(join(tmpdir(), 'voronka-build-'));
	for (const dir of ['build', 'src/lib/paraglide', 'messages']) mkdirSync(join(root, dir), { recursive: true });
	const files = ['build/index.html', 'src/app.html', 'src/lib/paraglide/runtime.js', 'messages/ru.json'];
	for (const file of files) writeFileSync(join(root, file), '');
	const hours = (n: number) => new Date(Date.now() - n * 3600_000);
	for (const path of ['src/app.html', 'src/lib/paraglide/runtime.js', 'src/lib/paraglide', 'src/lib', 'src', 'messages/ru.json', 'messages']) {
		utimesSync(join(root, path), hours(2), hours(2));
	}
	utimesSync(join(root, 'build/index.html'), hours(1), hours(1));
	return root;
}

describe('deciding whether npm start rebuilds the app', () => {
	it('keeps the build when only the generated messages were rewritten', () => {
		const root = project();
		expect(isBuildStale(root, join(root, 'build'))).toBe(false);
		writeFileSync(join(root, 'src/lib/paraglide/runtime.js'), '// compiled again');
		expect(isBuildStale(root, join(root, 'build'))).toBe(false);
	});

	it('rebuilds when the catalogue or a source changed', () => {
		const root = project();
		writeFileSync(join(root, 'messages/ru.json'), '{}');
		expect(isBuildStale(root, join(root, 'build'))).toBe(true);
		const other = project();
		writeFileSync(join(other, 'src/app.html'), '<html>');
		expect(isBuildStale(other, join(other, 'build'))).toBe(true);
	});
});

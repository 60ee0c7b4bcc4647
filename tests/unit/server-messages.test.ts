import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every sentence the server sends a person goes through the catalogue
 * (messages/*.json) so that it reaches them in their language. Walking every
 * error at run time is not practical; reading the source for a message given
 * as a bare string literal catches the usual slip: a new `notFound('Deal')`
 * or `conflict('code', 'Some sentence.')`.
 */
const patterns: Array<[string, RegExp]> = [
	['a 401/403/404 helper with a literal', /\b(?:notFound|forbidden|unauthorized)\(\s*['"`]/],
	['a 400/409/410/422 helper with a literal message', /\b(?:badRequest|conflict|unprocessable|gone)\(\s*[^,()]+,\s*['"`]/],
	['an ApiError with a literal message', /new ApiError\(\s*[^,()]+,\s*[^,()]+,\s*['"`]/],
	['an error body with a literal message', /errorBody\(\s*[^,()]+,\s*['"`]/],
	['an issue with a literal message', /\{\s*path[^{}]*message:\s*['"`]/],
	['a refusal reason as a literal', /rule:\s*'[^']*',\s*message:\s*['"`]/],
	['a schema message as a literal', /\.(?:min|max|length|regex|email|refine)\([^()]*,\s*['"`][A-Z]|message:\s*['"`][A-Z]/]
];

/** Text for operators, not for the people using the app. */
const allowed = [
	// The environment's validation at start-up, read by whoever runs the server.
	'server/config.ts'
];

function listSources(directory: string): string[] {
	return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
		const path = join(directory, entry.name);
		if (entry.isDirectory()) return listSources(path);
		return entry.name.endsWith('.ts') ? [path] : [];
	});
}

describe('the server’s messages to people', () => {
	const files = [...listSources('server'), 'src/lib/model/validate.ts'].filter((file) => !allowed.includes(file));

	it('are never bare string literals', () => {
		const found: string[] = [];
		for (const file of files) {
			readFileSync(file, 'utf8')
				.split('\n')
				.forEach((line, index) => {
					for (const [what, pattern] of patterns) if (pattern.test(line)) found.push(`${file}:${index + 1}: ${what}: ${line.trim()}`);
				});
		}
		expect(found).toEqual([]);
	});

	it('would notice one', () => {
		const slips = [
			"if (!row) throw notFound('Deal');",
			"throw conflict('last_owner', 'A workspace needs an owner.');",
			"throw new ApiError(429, 'too_many_attempts', `Try again in ${wait}.`);",
			"throw unprocessable('unknown_task', `ids: ${ids} are not tasks.`, [",
			"{ path: 'reason', message: 'Not one of the reasons.' }",
			"return [{ entity: 'board', id: '', rule: 'read-only', message: 'Viewers cannot change the board.' }];",
			"title: plainText().trim().min(1, 'Give the deal a title.').max(200),"
		];
		for (const slip of slips) expect(patterns.some(([, pattern]) => pattern.test(slip)), slip).toBe(true);
		expect(patterns.some(([, pattern]) => pattern.test("throw notFound(t(m.error_deal_not_found));"))).toBe(false);
	});
});

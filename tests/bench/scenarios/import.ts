// Scenario "import" (issue 10): 100,000 contact rows from another CRM's CSV
// export imported through the HTTP API, and how a light request of someone
// else fares meanwhile.
//
//   npx tsx tests/bench/scenarios/import.ts [--db pglite|postgres] [--runs N] [--json OUT.json] [--quick] [--seed N]
//
// The server runs pinned to core 0 (as every scenario's), the harness on
// core 1. The file is generated with a seeded PRNG: Russian names, unique
// mobile phones and emails, one of 300 companies on a third of the rows, and ~5% rows
// that repeat an earlier person (the same phone written another way, or the
// same email), which the import must count as skipped.
import { performance } from 'node:perf_hooks';
import { runScenarioMain } from '../lib/cli.js';
import { createBenchDatabase } from '../lib/database.js';
import { pinSelf, startVoronka } from '../lib/processes.js';
import { createRandom, type Random } from '../lib/random.js';
import { formatNumber, formatRuns, percentile } from '../lib/stats.js';
import { createBenchWorkspace, type BenchWorkspace } from '../lib/workspace.js';

const firstNames = [
	['Иван', 'ivan'],
	['Мария', 'maria'],
	['Алексей', 'aleksey'],
	['Ольга', 'olga'],
	['Сергей', 'sergey'],
	['Наталья', 'natalia'],
	['Дмитрий', 'dmitry'],
	['Екатерина', 'ekaterina'],
	['Андрей', 'andrey'],
	['Анна', 'anna'],
	['Пётр', 'petr'],
	['Юлия', 'yulia'],
	['Николай', 'nikolay'],
	['Светлана', 'svetlana'],
	['Михаил', 'mikhail'],
	['Татьяна', 'tatiana']
] as const;
const lastNames = [
	['Петров', 'petrov'],
	['Сидоров', 'sidorov'],
	['Кузнецов', 'kuznetsov'],
	['Смирнов', 'smirnov'],
	['Попов', 'popov'],
	['Васильев', 'vasiliev'],
	['Соколов', 'sokolov'],
	['Михайлов', 'mikhailov'],
	['Новиков', 'novikov'],
	['Фёдоров', 'fedorov'],
	['Морозов', 'morozov'],
	['Волков', 'volkov'],
	['Алексеев', 'alekseev'],
	['Лебедев', 'lebedev'],
	['Семёнов', 'semenov'],
	['Егоров', 'egorov']
] as const;
const companyWords = ['Ромашка', 'Север', 'Звезда', 'Вектор', 'Альфа', 'Гранит', 'Восход', 'Меридиан', 'Орион', 'Импульс'];
const companyKinds = ['Плюс', 'Строй', 'Трейд', 'Групп', 'Сервис', 'Логистик', 'Девелопмент', 'Консалт', 'Технологии', 'Снаб'];
const legalForms = ['ООО', 'АО', 'ЗАО'];
const domains = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'inbox.ru'];

interface Person {
	first: string;
	last: string;
	phoneDigits: string;
	email: string;
	company: string;
}

const quote = (value: string) => (/[;"\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** `+7 912 345-67-89` or `8 (912) 345-67-89`: the same number as people write it. */
function formatPhone(digits: string, style: 0 | 1): string {
	const [a, b, c, d] = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6, 8), digits.slice(8, 10)];
	return style === 0 ? `+7 ${a} ${b}-${c}-${d}` : `8 (${a}) ${b}-${c}-${d}`;
}

/** The CSV (UTF-8, semicolons, as amoCRM and Bitrix24 export) and how many rows repeat an earlier person. */
function generateFile(rows: number, random: Random): { csv: string; repeats: number } {
	const people: Person[] = [];
	const lines = ['Имя;Фамилия;Мобильный телефон;Email;Компания'];
	let repeats = 0;
	for (let i = 0; i < rows; i++) {
		if (people.length > 100 && random.next() < 0.05) {
			// Someone already in the file, written differently: a duplicate the import must catch.
			const person = random.pick(people);
			const byPhone = random.next() < 0.5;
			lines.push([person.first, person.last, byPhone ? formatPhone(person.phoneDigits, 1) : '', byPhone ? '' : person.email.toUpperCase(), person.company].map(quote).join(';'));
			repeats += 1;
			continue;
		}
		const [first, firstLatin] = random.pick(firstNames);
		const [last, lastLatin] = random.pick(lastNames);
		// A bijection on 0…10⁹−1 (the factor is prime to 10), so every phone is another.
		const phoneDigits = `9${String((i * 2_654_435_761 + 12_345) % 1_000_000_000).padStart(9, '0')}`;
		// 300 companies, many people each, as a CRM's export has them.
		const company = random.next() < 0.33 ? `${random.pick(legalForms)} «${random.pick(companyWords)} ${random.pick(companyKinds)}»` : '';
		const person: Person = { first, last, phoneDigits, email: `${firstLatin}.${lastLatin}.${i}@${random.pick(domains)}`, company };
		people.push(person);
		lines.push([first, last, formatPhone(phoneDigits, 0), person.email, company].map(quote).join(';'));
	}
	return { csv: lines.join('\r\n') + '\r\n', repeats };
}

interface Report {
	status: string;
	total: number;
	processed: number;
	created: number;
	updated: number;
	skipped: number;
	errorCount: number;
}

async function getJson<T>(workspace: BenchWorkspace, path: string): Promise<T> {
	const response = await fetch(workspace.baseUrl + path, { headers: { authorization: `Bearer ${workspace.token}` } });
	if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
	return (await response.json()) as T;
}

/** Calls GET /api/me every `everyMs`, whether or not the last answer came (so a stall shows in full), until stopped. */
function probeLatency(workspace: BenchWorkspace, everyMs: number) {
	const samples: number[] = [];
	const inFlight = new Set<Promise<void>>();
	let failures = 0;
	const timer = setInterval(() => {
		const start = performance.now();
		const call: Promise<void> = getJson(workspace, '/api/me')
			.then(() => void samples.push(performance.now() - start))
			.catch(() => void (failures += 1))
			.finally(() => inFlight.delete(call));
		inFlight.add(call);
	}, everyMs);
	return {
		async stop() {
			clearInterval(timer);
			await Promise.all(inFlight);
			return { samples, failures };
		}
	};
}

interface Run {
	seconds: number;
	rowsPerSecond: number;
	created: number;
	skipped: number;
	errors: number;
	repeats: number;
	megabytes: number;
	idleP50: number;
	idleP99: number;
	p50: number;
	p99: number;
	max: number;
	probes: number;
	probeFailures: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

runScenarioMain(async (options) => {
	pinSelf();
	const rows = options.quick ? 10_000 : 100_000;
	const dbName = options.db === 'pglite' ? 'PGlite' : 'PostgreSQL';
	console.log(`import on ${dbName}: seed ${options.seed}, ${options.runs} run(s), ${rows} rows`);
	const measured: Run[] = [];
	for (let run = 0; run < options.runs; run++) {
		const { csv, repeats } = generateFile(rows, createRandom(options.seed + run));
		const bytes = new TextEncoder().encode(csv);
		const database = await createBenchDatabase(options.db);
		const server = await startVoronka({ database: database.server });
		try {
			const workspace = await createBenchWorkspace(server.url);
			// The same request with nothing else going on, for comparison.
			const idleProbe = probeLatency(workspace, 100);
			await sleep(options.quick ? 1500 : 3000);
			const idle = await idleProbe.stop();

			const probe = probeLatency(workspace, 100);
			const start = performance.now();
			const form = new FormData();
			form.append('file', new Blob([bytes], { type: 'text/csv' }), 'contacts.csv');
			form.append('entity', 'contacts');
			form.append('encoding', 'utf-8');
			form.append('delimiter', ';');
			form.append('mapping', JSON.stringify({ Имя: 'firstName', Фамилия: 'lastName', 'Мобильный телефон': 'phone', Email: 'email', Компания: 'company' }));
			form.append('duplicates', 'skip');
			form.append('dryRun', 'false');
			const started = await fetch(`${server.url}/api/workspaces/${workspace.workspaceId}/imports`, { method: 'POST', body: form, headers: { authorization: `Bearer ${workspace.token}` } });
			if (started.status !== 202) throw new Error(`the import answered ${started.status}: ${(await started.text()).slice(0, 500)}`);
			const { id } = (await started.json()) as { id: string };
			let report: Report;
			let lastLog = 0;
			for (;;) {
				report = await getJson<Report>(workspace, `/api/imports/${id}`);
				if (report.status === 'done' || report.status === 'failed') break;
				if (performance.now() - lastLog > 10_000) {
					lastLog = performance.now();
					console.log(`  ${formatNumber((performance.now() - start) / 1000)} s: ${report.processed} of ${report.total}`);
				}
				await sleep(250);
			}
			const seconds = (performance.now() - start) / 1000;
			const during = await probe.stop();
			if (report.status !== 'done') throw new Error(`the import ended ${report.status}: ${JSON.stringify(report).slice(0, 500)}`);
			// Every person once: the repeats skipped, nothing refused, and the list holds them all.
			if (report.errorCount !== 0 || report.skipped !== repeats || report.created !== rows - repeats) {
				throw new Error(`expected ${rows - repeats} created and ${repeats} skipped, the report says ${JSON.stringify(report)}`);
			}
			const listed = await getJson<{ total: number }>(workspace, `/api/workspaces/${workspace.workspaceId}/contacts?limit=1`);
			if (listed.total !== rows - repeats) throw new Error(`the contacts list has ${listed.total}, expected ${rows - repeats}`);
			const result: Run = {
				seconds,
				rowsPerSecond: rows / seconds,
				created: report.created,
				skipped: report.skipped,
				errors: report.errorCount,
				repeats,
				megabytes: bytes.length / 1024 / 1024,
				idleP50: percentile(idle.samples, 50),
				idleP99: percentile(idle.samples, 99),
				p50: percentile(during.samples, 50),
				p99: percentile(during.samples, 99),
				max: Math.max(...during.samples),
				probes: during.samples.length,
				probeFailures: during.failures + idle.failures
			};
			console.log(
				`  run ${run + 1}: ${formatNumber(seconds)} s, ${formatNumber(result.rowsPerSecond)} rows/s; GET /api/me p50 ${formatNumber(result.p50)} ms, p99 ${formatNumber(result.p99)} ms, max ${formatNumber(result.max)} ms (idle p50 ${formatNumber(result.idleP50)} ms)`
			);
			measured.push(result);
		} catch (error) {
			console.error(`Voronka wrote:\n${server.output().slice(-3000)}`);
			throw error;
		} finally {
			await server.kill();
			await database.drop();
		}
	}

	const pick = (read: (run: Run) => number) => formatRuns(measured.map(read));
	const first = measured[0]!;
	return {
		scenario: 'import',
		title: `CSV import of ${rows.toLocaleString('en-US')} contacts on ${dbName}`,
		method: [
			`A generated ${formatNumber(first.megabytes)} MB CSV (UTF-8, semicolons) of ${rows.toLocaleString('en-US')} contact rows: Russian first and last names, a unique mobile phone and email each, a company on a third of the rows (300 different ones), and ${formatNumber((first.repeats / rows) * 100)}% rows repeating an earlier person with the phone written another way (\`8 (9xx)…\` for \`+7 9xx…\`) or the email in capitals. One \`POST /api/workspaces/:id/imports\` (multipart, \`duplicates=skip\`) with an API token; the time runs from the upload until \`GET /api/imports/:id\` (polled every 250 ms) says \`done\`, and the report must count every repeat as skipped, nothing refused, and the contacts list must hold every person once.`,
			`Responsiveness: a light request, \`GET /api/me\`, is sent every 100 ms during the whole import without waiting for the previous answer (a stall shows in full, not hidden by fewer requests), and for ${options.quick ? 1.5 : 3} s before it with the server idle. Server pinned to core 0, harness to core 1, a fresh database per run. The import's own settings (server/app.ts): batches of 250 rows on PostgreSQL; on PGlite, which is one connection that every request waits for while a batch's transaction is open, batches of 50 rows with a 10 ms pause between them.`
		].join('\n\n'),
		tables: [
			{
				caption: `${rows.toLocaleString('en-US')} contact rows imported on ${dbName}; median (min–max) of ${options.runs} run(s)`,
				columns: ['measure', 'result'],
				rows: [
					['total time, upload to done (s)', pick((run) => run.seconds)],
					['rows per second', pick((run) => run.rowsPerSecond)],
					['created / skipped as duplicates / refused', `${first.created.toLocaleString('en-US')} / ${first.skipped.toLocaleString('en-US')} / ${first.errors}`],
					['GET /api/me during the import: p50 (ms)', pick((run) => run.p50)],
					['GET /api/me during the import: p99 (ms)', pick((run) => run.p99)],
					['GET /api/me during the import: slowest (ms)', pick((run) => run.max)],
					['GET /api/me idle: p50 / p99 (ms)', `${pick((run) => run.idleP50)} / ${pick((run) => run.idleP99)}`],
					['requests answered during the import / failed', `${first.probes.toLocaleString('en-US')} / ${first.probeFailures}`]
				]
			}
		]
	};
});

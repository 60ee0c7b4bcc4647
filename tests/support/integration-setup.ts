import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Decides once whether the PostgreSQL half of the integration suite can run.
 * Locally a missing TEST_DATABASE_URL only skips it, with a line saying so;
 * under CI it is a failure, never a silent skip.
 */
export default async function setup(): Promise<void> {
	await checkRedis();
	const url = process.env.TEST_DATABASE_URL;
	if (!url) {
		if (process.env.CI) throw new Error('CI needs TEST_DATABASE_URL: the PostgreSQL integration tests must run.');
		console.warn('\n[voronka] PostgreSQL integration tests not run: TEST_DATABASE_URL is unset (PGlite tests still run).\n');
		return;
	}
	const client = new pg.Client({ connectionString: url });
	try {
		await client.connect();
		await client.query('select 1');
	} catch (error) {
		throw new Error(`TEST_DATABASE_URL is set but PostgreSQL does not answer at ${url}: ${(error as Error).message}`);
	} finally {
		await client.end().catch(() => {});
	}
}

/** The same for the two-node tests, which need Redis (TEST_REDIS_URL). */
async function checkRedis(): Promise<void> {
	const url = process.env.TEST_REDIS_URL;
	if (!url) {
		if (process.env.CI) throw new Error('CI needs TEST_REDIS_URL: the two-node (scale-out) tests must run.');
		console.warn('\n[voronka] Two-node tests not run: TEST_REDIS_URL is unset.\n');
		return;
	}
	const client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
	try {
		await client.connect();
		await client.ping();
	} catch (error) {
		throw new Error(`TEST_REDIS_URL is set but Redis does not answer at ${url}: ${(error as Error).message}`);
	} finally {
		client.disconnect();
	}
}

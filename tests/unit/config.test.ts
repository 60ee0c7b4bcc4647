import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('loadConfig', () => {
	it('gives the documented defaults for an empty environment', () => {
		expect(loadConfig({})).toEqual({
			PORT: 3000,
			HOST: '127.0.0.1',
			DATA_DIR: './data',
			LOG_LEVEL: 'info',
			SYNC_MAX_MESSAGE_BYTES: 8 * 1024 * 1024,
			SYNC_MAX_ENTITIES_PER_UPDATE: 2000,
			SYNC_MAX_BOARD_ENTITIES: 60_000,
			SYNC_UPDATES_PER_SECOND: 50,
			SYNC_PRESENCE_PER_SECOND: 10,
			SYNC_RECHECK_SECONDS: 60,
			PROJECTION_DELAY_MS: 1000,
			BOARD_REBUILD_AFTER_BYTES: 1024 * 1024
		});
	});

	it('treats empty strings as unset', () => {
		expect(loadConfig({ DATABASE_URL: '', PORT: '' }).DATABASE_URL).toBeUndefined();
	});

	it('parses every variable', () => {
		const config = loadConfig({
			PORT: '8080',
			HOST: '0.0.0.0',
			DATABASE_URL: 'postgres://u@db:5432/crm',
			DATA_DIR: '/var/lib/voronka',
			REDIS_URL: 'redis://cache:6379',
			ORIGIN: 'https://crm.example.com/',
			LOG_LEVEL: 'warn'
		});
		expect(config).toMatchObject({ PORT: 8080, ORIGIN: 'https://crm.example.com', LOG_LEVEL: 'warn' });
	});

	it.each([
		['PORT', 'eighty'],
		['PORT', '70000'],
		['DATABASE_URL', 'mysql://x'],
		['REDIS_URL', 'http://x'],
		['ORIGIN', 'crm.example.com'],
		['LOG_LEVEL', 'loud'],
		['TRUST_PROXY', 'yes'],
		['TRUST_PROXY', '0'],
		['TRUST_PROXY', '10.0.0.0/33'],
		['TRUST_PROXY', '10.0.0.1,proxy.local']
	])('names the variable when %s=%s is invalid', (name, value) => {
		expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
		expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}="${value}"`));
	});

	it('reads TRUST_PROXY as a number of hops or a list of proxy addresses and ranges', () => {
		expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
		expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toEqual({ hops: 2 });
		expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1' }).TRUST_PROXY).toEqual({ proxies: ['10.0.0.0/8', '::1'] });
	});
});

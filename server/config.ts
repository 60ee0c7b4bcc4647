import { isIP } from 'node:net';
import { z } from 'zod';
import { defaultSyncLimits, type SyncLimits } from './sync/limits.js';
import { defaultEpochPolicy, type EpochPolicy } from './sync/epochs.js';

const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;

const configSchema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().min(1).default('127.0.0.1'),
	DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
		.optional(),
	DATA_DIR: z.string().min(1).default('./data'),
	REDIS_URL: z
		.string()
		.regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
		.optional(),
	ORIGIN: z
		.url({ message: 'must be the public URL of the app, e.g. https://crm.example.com' })
		.transform((url) => new URL(url).origin)
		.optional(),
	LOG_LEVEL: z.enum(logLevels).default('info'),
	// Bounds of the live boards (docs/SECURITY.md, "Limits").
	SYNC_MAX_MESSAGE_BYTES: positiveInt(1024, 256 * 1024 * 1024).default(defaultSyncLimits.maxMessageBytes),
	SYNC_MAX_ENTITIES_PER_UPDATE: positiveInt(1, 1_000_000).default(defaultSyncLimits.maxEntitiesPerUpdate),
	SYNC_MAX_BOARD_ENTITIES: positiveInt(1, 10_000_000).default(defaultSyncLimits.maxBoardEntities),
	SYNC_UPDATES_PER_SECOND: positiveInt(1, 100_000).default(defaultSyncLimits.updatesPerSecond),
	SYNC_PRESENCE_PER_SECOND: positiveInt(1, 100_000).default(defaultSyncLimits.presencePerSecond),
	SYNC_RECHECK_SECONDS: positiveInt(1, 86_400).default(60),
	PROJECTION_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
	// A board document past this size whose history holds two structs per live field is rebuilt in a new epoch (docs/BOARD-DOCUMENT.md, "Epochs"); 0: never.
	BOARD_REBUILD_AFTER_BYTES: z.coerce.number().int().min(0).max(1024 * 1024 * 1024).default(defaultEpochPolicy.afterBytes),
	TRUST_PROXY: z.string().transform(parseProxyTrust).optional()
});

function positiveInt(min: number, max: number) {
	return z.coerce.number().int().min(min).max(max);
}

/** The sync limits the configuration sets; the rest keep their defaults. */
export function syncLimitsOf(config: Config): SyncLimits {
	return {
		...defaultSyncLimits,
		maxMessageBytes: config.SYNC_MAX_MESSAGE_BYTES,
		maxEntitiesPerUpdate: config.SYNC_MAX_ENTITIES_PER_UPDATE,
		maxBoardEntities: config.SYNC_MAX_BOARD_ENTITIES,
		updatesPerSecond: config.SYNC_UPDATES_PER_SECOND,
		updateBurst: Math.max(defaultSyncLimits.updateBurst, config.SYNC_UPDATES_PER_SECOND * 4),
		presencePerSecond: config.SYNC_PRESENCE_PER_SECOND,
		presenceBurst: Math.max(defaultSyncLimits.presenceBurst, config.SYNC_PRESENCE_PER_SECOND * 4)
	};
}

/** When boards are rebuilt in a new epoch (BOARD_REBUILD_AFTER_BYTES); null: never. */
export function epochPolicyOf(config: Config): EpochPolicy | null {
	return config.BOARD_REBUILD_AFTER_BYTES === 0 ? null : { ...defaultEpochPolicy, afterBytes: config.BOARD_REBUILD_AFTER_BYTES };
}

/**
 * Which reverse proxies in front of the app are trusted to say who the client
 * is (TRUST_PROXY): a number of hops, or the proxies' addresses and ranges.
 */
export type ProxyTrust = { hops: number } | { proxies: string[] };

const proxyTrustHelp =
	'must be the number of reverse proxies in front of the app (1 to 10) or a comma-separated list of their addresses or CIDR ranges, e.g. 10.0.0.0/8,::1';

/** TRUST_PROXY: "2" trusts two hops; "10.0.0.1,fd00::/8" trusts those proxies. */
function parseProxyTrust(value: string, context: z.RefinementCtx): ProxyTrust {
	const text = value.trim();
	if (/^\d+$/.test(text)) {
		const hops = Number(text);
		if (hops >= 1 && hops <= 10) return { hops };
		context.addIssue({ code: 'custom', message: proxyTrustHelp });
		return z.NEVER;
	}
	const proxies = text.split(',').map((entry) => entry.trim());
	const problem = proxies.map(findProxyEntryError).find((error) => error !== null);
	if (problem) {
		context.addIssue({ code: 'custom', message: `${problem}; TRUST_PROXY ${proxyTrustHelp}` });
		return z.NEVER;
	}
	return { proxies };
}

function findProxyEntryError(entry: string): string | null {
	const [address, bits, extra] = entry.split('/');
	const family = isIP(address ?? '');
	if (!family || extra !== undefined) return `"${entry}" is not an IP address or CIDR range`;
	if (bits === undefined) return null;
	const max = family === 4 ? 32 : 128;
	if (!/^\d+$/.test(bits) || Number(bits) > max) return `"${entry}" has a prefix length outside 0 to ${max}`;
	return null;
}

export type Config = z.infer<typeof configSchema>;
export type LogLevel = (typeof logLevels)[number];

export class ConfigError extends Error {}

/**
 * Parses the environment once, at start. Empty strings count as unset so that
 * `DATABASE_URL= npm start` means "embedded database", as a shell user expects.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const present = Object.fromEntries(
		Object.entries(env).filter(([key, value]) => key in configSchema.shape && value !== '')
	);
	const parsed = configSchema.safeParse(present);
	if (parsed.success) return parsed.data;
	const lines = parsed.error.issues.map((issue) => {
		const name = issue.path.join('.');
		return `  ${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
	});
	throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

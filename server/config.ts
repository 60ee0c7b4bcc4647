import { z } from 'zod';

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
	LOG_LEVEL: z.enum(logLevels).default('info')
});

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

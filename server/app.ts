import { OpenAPIHono } from '@hono/zod-openapi';
import { createNodeWebSocket } from '@hono/node-ws';
import { bodyLimit } from 'hono/body-limit';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/client.js';
import { AuthThrottle, type AuthLimits } from './auth/throttle.js';
import type { AppEnv, AppDeps } from './http/context.js';
import { ApiError, handleError, handleNotFound } from './http/errors.js';
import { resolveAuth } from './http/auth.js';
import { checkOrigin, setPublicSecurityHeaders, setSecurityHeaders } from './http/security.js';
import { mountApiDocs } from './http/api-docs.js';
import { mountStaticApp } from './http/static.js';
import authRouter from './api/auth/auth.index.js';
import meRouter from './api/me/me.index.js';
import workspacesRouter from './api/workspaces/workspaces.index.js';
import invitesRouter from './api/invites/invites.index.js';
import tokensRouter from './api/tokens/tokens.index.js';
import pipelinesRouter from './api/pipelines/pipelines.index.js';
import pipelineSettingsRouter from './api/pipelines/settings.index.js';
import reportsRouter from './api/reports/reports.index.js';
import targetsRouter from './api/reports/targets.index.js';
import dealsRouter from './api/deals/deals.index.js';
import tasksRouter from './api/tasks/tasks.index.js';
import fieldsRouter from './api/fields/fields.index.js';
import stageRulesRouter from './api/stage-rules/stage-rules.index.js';
import processesRouter from './api/processes/processes.index.js';
import auditRouter from './api/audit/audit.index.js';
import { partyRouter } from './api/parties/party.index.js';
import directoryRouter from './api/parties/directory.index.js';
import namesRouter from './api/parties/names.index.js';
import importsRouter from './api/imports/imports.index.js';
import { ImportRunner } from './imports/import-job.js';
import panelRouter from './api/panel/panel.index.js';
import eventsRouter from './api/events/events.index.js';
import notificationsRouter from './api/notifications/notifications.index.js';
import calendarRouter from './api/calendar/calendar.index.js';
import publicIntakeRouter, { publicIntakePath } from './api/intake/public.index.js';
import formsRouter from './api/intake/forms.index.js';
import routingRouter from './api/intake/routing.index.js';
import { IntakeThrottle, type IntakeLimits } from './intake/intake-throttle.js';
import { serveEmbedScript } from './intake/embed-script.js';
import { WorkspaceEvents } from './live/workspace-events.js';
import { Notifier } from './notifications/notifier.js';
import { notifyHandovers } from './notifications/handovers.js';
import { WebPush } from './notifications/web-push.js';
import { findNextDueAt } from './deals/control-panel.js';
import type { Fanout } from './sync/fanout.js';
import { RoomManager } from './sync/rooms.js';
import { Health } from './health.js';
import { epochPolicyOf, syncLimitsOf } from './config.js';
import { Connections } from './sync/connections.js';
import type { CompactionPolicy, DocStore } from './sync/persistence.js';
import { mountSync, recheckConnection } from './sync/sync.route.js';
import { Admissions } from './sync/admissions.js';
import { t } from './i18n/text.js';
import { m } from '../src/lib/paraglide/messages.js';

export interface AppOptions {
	database: DatabaseHandle;
	config: Config;
	now?: () => Date;
	/** Login and sign-up limits; counted in this process's memory when omitted. */
	throttle?: AuthThrottle;
	/** Changes to the default limits, for the throttle built when none is given. */
	limits?: Partial<AuthLimits>;
	/** How long an unused board stays in memory. */
	unloadRoomsAfterMs?: number;
	/** How often live connections are pinged; a peer that misses a pong is dropped. */
	syncHeartbeatMs?: number;
	/** The built SPA to serve; omitted in API-only tests and in development. */
	buildDir?: string;
	/** Other nodes on the same database (from REDIS_URL, see startServer). */
	fanout?: Fanout;
	/** The boards' update log and snapshots; tests wrap it to inject faults. */
	docStore?: DocStore;
	compaction?: CompactionPolicy;
	/** With other nodes: how often each room reads the update log for updates pub/sub lost (2 s). */
	catchUpMs?: number;
	/** Rows per batch of a CSV import (250 on PostgreSQL, 50 on PGlite). */
	importBatchRows?: number;
	/** Web Push may go to plain-http endpoints on this machine's loopback: the tests' local push service. */
	pushLoopback?: boolean;
	/** Flood limits of the public forms and webhooks; counted in this process's memory when omitted. */
	intakeThrottle?: IntakeThrottle;
	/** Changes to the default intake limits, for the throttle built when none is given. */
	intakeLimits?: Partial<IntakeLimits>;
}

export const maxBodyBytes = 256 * 1024;
/** A batch of up to 5,000 deals (POST /api/pipelines/:id/deals/batch) is the one larger body. */
export const maxBatchBodyBytes = 8 * 1024 * 1024;
const batchPath = /^\/api\/pipelines\/[^/]+\/deals\/batch$/;
/** A CSV file to import (or preview) may be up to 50 MB, sent as multipart/form-data. */
export const maxImportFileBytes = 50 * 1024 * 1024;
// The form's own fields and boundaries around the file.
const maxImportBodyBytes = maxImportFileBytes + 64 * 1024;
const importPath = /^\/api\/workspaces\/[^/]+\/imports(?:\/preview)?$/;
/** A submission to a public form or webhook: a few fields, never more than this. */
export const maxPublicBodyBytes = 16 * 1024;

function limitBody(maxSize: number) {
	return bodyLimit({
		maxSize,
		onError: () => {
			throw new ApiError(413, 'payload_too_large', t(m.error_body_larger_than, { size: maxSize / 1024 }));
		}
	});
}

function createApi() {
	return new OpenAPIHono<AppEnv>()
		.route('/api/auth', authRouter)
		.route('/api/me', meRouter)
		.route('/api/workspaces', workspacesRouter)
		.route('/api/invites', invitesRouter)
		.route('/api/tokens', tokensRouter)
		.route('/api', pipelinesRouter)
		.route('/api', pipelineSettingsRouter)
		.route('/api', dealsRouter)
		.route('/api', tasksRouter)
		.route('/api', partyRouter('contacts'))
		.route('/api', partyRouter('companies'))
		.route('/api', directoryRouter)
		.route('/api', namesRouter)
		.route('/api', importsRouter)
		.route('/api', panelRouter)
		.route('/api', eventsRouter)
		.route('/api', auditRouter)
		.route('/api', fieldsRouter)
		.route('/api', stageRulesRouter)
		.route('/api', processesRouter)
		.route('/api', reportsRouter)
		.route('/api', targetsRouter)
		.route('/api', notificationsRouter)
		.route('/api', calendarRouter)
		.route('/api', formsRouter)
		.route('/api', routingRouter);
}

/** The typed API surface the UI's client is checked against. */
export type AppType = ReturnType<typeof createApi>;

/** The app, its websocket hook for the HTTP server, and its live rooms. */
export function createVoronka(options: AppOptions) {
	const db = options.database.db;
	const now = options.now ?? (() => new Date());
	const health = new Health();
	const limits = syncLimitsOf(options.config);
	const events = new WorkspaceEvents({ fanout: options.fanout, now, nextDueAt: (workspaceId, after) => findNextDueAt(db, workspaceId, after) });
	const notifier = new Notifier(db, events, now);
	const push = new WebPush(db, pushSubject(options.config), options.pushLoopback ?? false);
	notifier.addDelivery(push.deliver);
	// Made on first start, not on a user's first click: every node then agrees on one pair.
	push.vapidKeys().catch((error: unknown) => console.error('could not prepare the VAPID keys', error));
	const rooms = new RoomManager({
		db,
		now,
		unloadAfterMs: options.unloadRoomsAfterMs,
		fanout: options.fanout,
		store: options.docStore,
		compaction: options.compaction,
		projectionDelayMs: options.config.PROJECTION_DELAY_MS,
		epochs: epochPolicyOf(options.config),
		// PGlite is one connection; on PostgreSQL most of the pool stays free for appends and requests.
		projectionWidth: options.database.kind === 'pglite' ? 1 : 2,
		catchUpMs: options.catchUpMs,
		health,
		limits,
		onProjected: (workspaceId, pipelineId, handovers) => {
			events.publish(workspaceId, { type: 'projection', pipelineId });
			// Off the projection's queue: a slow push service never holds up the board's tables.
			notifyHandovers(db, notifier, workspaceId, handovers).catch((error: unknown) => console.error('handover notification failed', error));
		}
	});
	const connections = new Connections(options.fanout);
	const admissions = new Admissions(options.config.SYNC_RECHECK_SECONDS * 1000);
	connections.onRevoked((match) => admissions.forget(match));
	// PGlite is one connection: while a batch's transaction is open every other
	// request waits for it, so its batches are kept short (about a tenth of a
	// second) with a breath between them for requests of several queries.
	const pglite = options.database.kind === 'pglite';
	const imports = new ImportRunner({ db, rooms, now, batchRows: options.importBatchRows ?? (pglite ? 50 : 250), pauseMs: pglite ? 10 : 0 });
	connections.startRechecks(recheckConnection(db, now), options.config.SYNC_RECHECK_SECONDS * 1000);
	const deps: AppDeps = {
		db,
		config: options.config,
		now,
		rooms,
		connections,
		admissions,
		health,
		// A phone that vanished without closing shows as present for at most two beats.
		syncHeartbeatMs: options.syncHeartbeatMs ?? 10_000,
		throttle: options.throttle ?? AuthThrottle.inMemory(options.limits),
		imports,
		events,
		notifier,
		push,
		intakeThrottle: options.intakeThrottle ?? IntakeThrottle.inMemory(options.intakeLimits)
	};
	const app = new OpenAPIHono<AppEnv>({ strict: false });
	const { injectWebSocket, upgradeWebSocket, wss } = createNodeWebSocket({ app });
	// ws refuses a larger frame (close 1009) before buffering it; its own default is 100 MiB.
	wss.options.maxPayload = limits.maxMessageBytes;
	app.onError(handleError);
	app.use('*', (c, next) => (isPublicIntake(c.req.path) ? setPublicSecurityHeaders(c, next) : setSecurityHeaders(c, next)));
	app.use('*', async (c, next) => {
		c.set('deps', deps);
		await next();
	});

	// 503 when the database does not answer; 'degraded' with what is wrong when a part of the node is failing.
	app.get('/healthz', async (c) => {
		const ok = await options.database.ping();
		const problems = health.list();
		if (!ok) return c.json({ status: 'unavailable', problems: [{ key: 'database', message: 'the database does not answer' }, ...problems] }, 503);
		return c.json(problems.length > 0 ? { status: 'degraded', problems } : { status: 'ok' });
	});

	const bodyLimits = {
		usual: limitBody(maxBodyBytes),
		batch: limitBody(maxBatchBodyBytes),
		public: limitBody(maxPublicBodyBytes),
		import: bodyLimit({
			maxSize: maxImportBodyBytes,
			onError: () => {
				throw new ApiError(413, 'payload_too_large', t(m.import_file_too_large, { size: maxImportFileBytes / 1024 / 1024 }));
			}
		})
	};
	app.use('/api/*', (c, next) => {
		const limit = publicIntakePath.test(c.req.path)
			? bodyLimits.public
			: batchPath.test(c.req.path)
				? bodyLimits.batch
				: c.req.method === 'POST' && importPath.test(c.req.path)
					? bodyLimits.import
					: bodyLimits.usual;
		return limit(c, next);
	});
	// Public forms and webhooks are posted to from other sites by people who
	// are not logged in: the CSRF origin check would refuse exactly the requests
	// they exist for, and there is no session to protect. Each form checks the
	// origin against its own allowed list instead (api/intake/public.index.ts).
	app.use('/api/*', (c, next) => (publicIntakePath.test(c.req.path) ? next() : checkOrigin(c, next)));
	app.use('/api/*', (c, next) => (publicIntakePath.test(c.req.path) ? next() : resolveAuth(c, next)));
	app.route('/api/public', publicIntakeRouter);
	app.get('/forms/embed.js', serveEmbedScript);
	app.route('/', createApi());
	mountApiDocs(app);
	app.all('/api/*', handleNotFound);
	mountSync(app, upgradeWebSocket);

	if (options.buildDir) mountStaticApp(app, options.buildDir);
	app.notFound(handleNotFound);
	// Imports left running by a stopped server go on; new ones start as they are queued.
	imports.start();
	return { app, injectWebSocket, rooms, connections, sockets: wss, imports, events, notifier };
}

/** Push services may contact whoever runs the server: its public https address, else a generic address. */
function pushSubject(config: Config): string {
	return config.ORIGIN?.startsWith('https://') ? config.ORIGIN : 'mailto:admin@voronka.invalid';
}

/** Paths other sites use: the public intake and the embed script (loaded by a <script> of another origin). */
function isPublicIntake(path: string): boolean {
	return publicIntakePath.test(path) || path === '/forms/embed.js';
}

export function createApp(options: AppOptions) {
	return createVoronka(options).app;
}

import type { WebPush } from '../notifications/web-push.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { User } from '../db/schema.js';
import type { AuthThrottle } from '../auth/throttle.js';
import type { Health } from '../health.js';
import type { Connections } from '../sync/connections.js';
import type { Admissions } from '../sync/admissions.js';
import type { RoomManager } from '../sync/rooms.js';
import type { SyncConnection } from '../sync/socket.js';
import type { ImportRunner } from '../imports/import-job.js';
import type { WorkspaceEvents } from '../live/workspace-events.js';
import type { Notifier } from '../notifications/notifier.js';
import type { IntakeThrottle } from '../intake/intake-throttle.js';

/** What a request handler may reach: built once in createApp, never global. */
export interface AppDeps {
	db: Database;
	config: Config;
	/** Login and sign-up limits (in memory, or in Redis across nodes). */
	throttle: AuthThrottle;
	rooms: RoomManager;
	/** Live board connections, closed when the right they were opened with is taken away. */
	connections: Connections;
	/** Recent board admissions, so a reconnect storm is admitted from memory (sync/admissions.ts). */
	admissions: Admissions;
	health: Health;
	syncHeartbeatMs: number;
	now: () => Date;
	/** This node's CSV imports, run in the background. */
	imports: ImportRunner;
	/** The workspaces' live channels (server/live/). */
	events: WorkspaceEvents;
	/** Tells users things: notification centre, live channel, push (server/notifications/). */
	notifier: Notifier;
	/** Web Push: the VAPID keys and which endpoints a device may subscribe with. */
	push: WebPush;
	/** Flood limits of the public forms and webhooks (in memory, or in Redis across nodes). */
	intakeThrottle: IntakeThrottle;
}

export interface Auth {
	user: Pick<User, 'id' | 'email' | 'name' | 'locale'>;
	/** Set when the request came with the session cookie. */
	sessionId: string | null;
	/** Set when the request came with an API token. */
	apiTokenId: string | null;
	/** When the session ends, when the request came with the session cookie. */
	sessionExpiresAt?: Date;
}

export type AppEnv = {
	Variables: {
		deps: AppDeps;
		auth: Auth | null;
		sync?: SyncConnection;
	};
};

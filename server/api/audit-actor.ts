import type { Context } from 'hono';
import type { AuditActor } from '../audit/audit-log.js';
import { clientAddress, requireAuth } from '../http/auth.js';
import type { AppEnv } from '../http/context.js';

/** The caller as the audit log records them: who, through what, from where. */
export function auditActor(c: Context<AppEnv>): AuditActor {
	const auth = requireAuth(c);
	return {
		actorId: auth.user.id,
		actorKind: auth.apiTokenId ? 'api-token' : 'member',
		actorTokenId: auth.apiTokenId,
		address: clientAddress(c)
	};
}

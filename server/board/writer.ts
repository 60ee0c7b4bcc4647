import type { Role } from '../workspaces/roles.js';

/** Who makes a change to a board: a member with a role, or the server itself. */
export type Writer = { kind: 'member'; userId: string; role: Role } | { kind: 'system'; userId: string | null };

/** The server acting on its own (repairs, jobs). */
export const systemWriter: Writer = { kind: 'system', userId: null };

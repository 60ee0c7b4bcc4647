import { roles, type Role } from '../db/schema.js';
import { t, type Text } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

export { roles, type Role };

const rank: Record<Role, number> = { owner: 5, admin: 4, manager: 3, rep: 2, viewer: 1 };

export function hasRoleAtLeast(role: Role, minimum: Role): boolean {
	return rank[role] >= rank[minimum];
}

export function canManageMembers(role: Role): boolean {
	return hasRoleAtLeast(role, 'admin');
}

/** Only an owner makes owners; an admin hands out any role below that. */
export function canGrantRole(actor: Role, role: Role): boolean {
	return actor === 'owner' || (actor === 'admin' && role !== 'owner');
}

/** An admin may change or remove anyone but an owner. */
export function canChangeMember(actor: Role, target: Role): boolean {
	return actor === 'owner' || (actor === 'admin' && target !== 'owner');
}

const roleNames = {
	owner: m.error_role_owner,
	admin: m.error_role_admin,
	manager: m.error_role_manager,
	rep: m.error_role_rep,
	viewer: m.error_role_viewer
} satisfies Record<Role, unknown>;

/** A role's name in the reader's language, for the server's messages. */
export function roleName(role: Role): Text {
	return t(roleNames[role]);
}

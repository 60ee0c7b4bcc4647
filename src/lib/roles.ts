import type { Role } from '$lib/api/types';
import { m } from '$lib/i18n';

// Mirrors server/workspaces/roles.ts: the UI hides what the server would refuse.
export const roles: readonly Role[] = ['owner', 'admin', 'manager', 'rep', 'viewer'];

const rank: Record<Role, number> = { owner: 5, admin: 4, manager: 3, rep: 2, viewer: 1 };

const labels: Record<Role, () => string> = {
	owner: m.settings_role_owner,
	admin: m.settings_role_admin,
	manager: m.settings_role_manager,
	rep: m.settings_role_rep,
	viewer: m.settings_role_viewer
};

const descriptions: Record<Role, () => string> = {
	owner: m.settings_role_owner_description,
	admin: m.settings_role_admin_description,
	manager: m.settings_role_manager_description,
	rep: m.settings_role_rep_description,
	viewer: m.settings_role_viewer_description
};

/** The role's name on screen ("Sales rep"); an unknown code shows as it is. */
export function roleLabel(role: Role): string {
	return labels[role]?.() ?? role;
}

export function roleDescription(role: Role): string {
	return descriptions[role]?.() ?? '';
}

export function canManageMembers(role: Role): boolean {
	return rank[role] >= rank.admin;
}

/** Owners and admins read the audit log; nobody writes it. */
export function canReadAuditLog(role: Role): boolean {
	return rank[role] >= rank.admin;
}

/** Only an owner makes owners; an admin hands out any role below that. */
export function canGrantRole(actor: Role, role: Role): boolean {
	return actor === 'owner' || (actor === 'admin' && role !== 'owner');
}

/** An admin may change or remove anyone but an owner. */
export function canChangeMember(actor: Role, target: Role): boolean {
	return actor === 'owner' || (actor === 'admin' && target !== 'owner');
}

export function grantableRoles(actor: Role): Role[] {
	return roles.filter((role) => canGrantRole(actor, role));
}

/** Managers and above create, rename, restrict, archive and restore pipelines. */
export function canManagePipelines(role: Role): boolean {
	return rank[role] >= rank.manager;
}

/** Managers and above import contacts, companies and deals from CSV (as the server's import routes require). */
export function canImport(role: Role): boolean {
	return rank[role] >= rank.manager;
}

/** Reps and above create and change deals; viewers only read. */
export function canWorkDeals(role: Role): boolean {
	return rank[role] >= rank.rep;
}

/** Owners and admins see every pipeline, whoever is listed in it. */
export function seesEveryPipeline(role: Role): boolean {
	return rank[role] >= rank.admin;
}

/** Managers and up see the whole team's work: the team's tasks, the control panel for everyone. */
export function managesTeam(role: Role): boolean {
	return rank[role] >= rank.manager;
}

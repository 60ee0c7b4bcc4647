import { describe, expect, it } from 'vitest';
import { canChangeMember, canGrantRole, hasRoleAtLeast } from '../../server/workspaces/roles.js';

describe('roles', () => {
	it('orders roles from viewer to owner', () => {
		expect(hasRoleAtLeast('manager', 'rep')).toBe(true);
		expect(hasRoleAtLeast('rep', 'manager')).toBe(false);
		expect(hasRoleAtLeast('viewer', 'viewer')).toBe(true);
	});

	it('lets only owners make owners, and admins everything below', () => {
		expect(canGrantRole('owner', 'owner')).toBe(true);
		expect(canGrantRole('admin', 'owner')).toBe(false);
		expect(canGrantRole('admin', 'admin')).toBe(true);
		expect(canGrantRole('manager', 'rep')).toBe(false);
	});

	it('keeps owners out of an admin’s reach', () => {
		expect(canChangeMember('admin', 'owner')).toBe(false);
		expect(canChangeMember('admin', 'manager')).toBe(true);
		expect(canChangeMember('owner', 'owner')).toBe(true);
	});
});

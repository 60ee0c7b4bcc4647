import { describe, expect, it } from 'vitest';
import { findPasswordWeakness, hashPassword, verifyPasswordHash } from '../../server/auth/password.js';
import { renderText } from '../../server/i18n/text.js';

describe('passwords', () => {
	it('hashes with argon2id and verifies only the right password', async () => {
		const hash = await hashPassword('plum-orchard-tuesday-42');
		expect(hash).toMatch(/^\$argon2id\$/);
		expect(await verifyPasswordHash(hash, 'plum-orchard-tuesday-42')).toBe(true);
		expect(await verifyPasswordHash(hash, 'plum-orchard-tuesday-43')).toBe(false);
		expect(await verifyPasswordHash('not a hash', 'x')).toBe(false);
	});

	it.each([
		['short', /at least 10/],
		['password123', /common/],
		['1234567890', /common/],
		['aaaaaaaaaaaa', /common/],
		['annapetrova-secret', /email/]
	])('refuses %s', (password, reason) => {
		const weakness = findPasswordWeakness(password, 'annapetrova@example.com');
		expect(weakness && renderText(weakness, 'en')).toMatch(reason);
	});

	it('says why in Russian too', () => {
		expect(renderText(findPasswordWeakness('short')!, 'ru')).toBe('Используйте не меньше 10 символов.');
		expect(renderText(findPasswordWeakness('annapetrova-secret', 'annapetrova@example.com')!, 'ru')).toBe('Не используйте в пароле свой адрес почты.');
	});

	it('accepts a long uncommon password', () => {
		expect(findPasswordWeakness('plum-orchard-tuesday-42', 'ann@example.com')).toBeNull();
	});
});

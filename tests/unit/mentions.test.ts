import { describe, expect, it } from 'vitest';
import { findMentions } from '../../server/notifications/mentions.js';
import { escapeText, foldLine } from '../../server/calendar/ical.js';

const anna = { userId: 'u1', name: 'Anna', email: 'anna@example.com' };
const annaPetrova = { userId: 'u2', name: 'Anna Petrova', email: 'petrova@example.com' };
const boris = { userId: 'u3', name: 'Борис Иванов', email: 'boris@example.com' };
const members = [anna, annaPetrova, boris];
const ids = (text: string) => findMentions(text, members).map((member) => member.userId);

describe('mentions in a note', () => {
	it('finds a member by name or e-mail, in any case, and ignores the rest', () => {
		expect(ids('Please call, @anna')).toEqual(['u1']);
		expect(ids('cc @PETROVA@example.com.')).toEqual(['u2']);
		expect(ids('@борис иванов, перезвоните')).toEqual(['u3']);
		expect(ids('anna and boris without an at sign')).toEqual([]);
		expect(ids('mail anna@example.com')).toEqual([]);
	});

	it('takes the longest name and needs a whole word', () => {
		expect(ids('@Anna Petrova knows')).toEqual(['u2']);
		expect(ids('@Anna Petrova and @Anna')).toEqual(['u2', 'u1']);
		expect(ids('@Annabel is new')).toEqual([]);
		expect(ids('@Ann')).toEqual([]);
	});
});

describe('iCalendar text', () => {
	it('escapes backslash, semicolon, comma and line breaks', () => {
		expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
	});

	it('folds at 75 octets without splitting a character', () => {
		const line = `SUMMARY:${'ж'.repeat(80)}`;
		const parts = foldLine(line).split('\r\n');
		expect(parts.length).toBeGreaterThan(2);
		for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
		expect(parts.slice(1).every((part) => part.startsWith(' '))).toBe(true);
		expect(parts.map((part, i) => (i === 0 ? part : part.slice(1))).join('')).toBe(line);
		expect(foldLine('SHORT:1')).toBe('SHORT:1');
	});
});

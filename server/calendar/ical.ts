/**
 * The few lines of iCalendar (RFC 5545) a task feed needs: text escaping,
 * UTC date-times and line folding. Written here rather than pulled from a
 * package: the feed has one component type and five properties.
 */

export interface CalendarEvent {
	uid: string;
	start: Date;
	/** How long the event blocks in a calendar. */
	minutes: number;
	summary: string;
	description: string;
	url: string;
}

const encoder = new TextEncoder();

/** TEXT values: backslash, semicolon and comma are escaped, a line break becomes \n (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
	return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** 20261206T150000Z */
export function formatUtc(date: Date): string {
	return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Splits a content line into lines of at most 75 octets, each continuation
 * starting with a space (RFC 5545 3.1), never inside a UTF-8 character.
 */
export function foldLine(line: string): string {
	if (encoder.encode(line).length <= 75) return line;
	const parts: string[] = [];
	let current = '';
	let octets = 0;
	// The first line holds 75 octets; each continuation 74 after its leading space.
	let room = 75;
	for (const char of line) {
		const size = encoder.encode(char).length;
		if (octets + size > room) {
			parts.push(current);
			current = '';
			octets = 0;
			room = 74;
		}
		current += char;
		octets += size;
	}
	parts.push(current);
	return parts.join('\r\n ');
}

/** A whole VCALENDAR of events, CRLF line endings. */
export function renderCalendar(calendar: { name: string; stamp: Date; events: CalendarEvent[] }): string {
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//Voronka//Tasks//EN',
		'CALSCALE:GREGORIAN',
		'METHOD:PUBLISH',
		`X-WR-CALNAME:${escapeText(calendar.name)}`
	];
	for (const event of calendar.events) {
		lines.push(
			'BEGIN:VEVENT',
			`UID:${event.uid}`,
			`DTSTAMP:${formatUtc(calendar.stamp)}`,
			`DTSTART:${formatUtc(event.start)}`,
			`DTEND:${formatUtc(new Date(event.start.getTime() + event.minutes * 60_000))}`,
			`SUMMARY:${escapeText(event.summary)}`,
			`DESCRIPTION:${escapeText(event.description)}`,
			`URL:${event.url}`,
			'END:VEVENT'
		);
	}
	lines.push('END:VCALENDAR');
	return lines.map(foldLine).join('\r\n') + '\r\n';
}

import type { Violation } from '../../src/lib/model/validate.js';
import { renderText } from '../i18n/text.js';

/** A server-side change (REST, a job) that broke a rule; nothing of it was kept. */
export class RefusedChange extends Error {
	constructor(readonly violations: Violation[]) {
		// The Error's own message is English, for logs; the API renders the violations for the caller.
		super(violations.map((v) => renderText(v.message, 'en')).join(' '));
	}
}

/** The board cannot take changes now: its database does not answer. Nothing was applied. */
export class BoardUnavailable extends Error {
	constructor(readonly docId: string) {
		super(`The board ${docId} cannot save changes right now; try again shortly.`);
	}
}

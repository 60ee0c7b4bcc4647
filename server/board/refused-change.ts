import type { Violation } from '../../src/lib/model/validate.js';

/** A server-side change (REST, a job) that broke a rule; nothing of it was kept. */
export class RefusedChange extends Error {
	constructor(readonly violations: Violation[]) {
		super(violations.map((v) => v.message).join(' '));
	}
}

/** The board cannot take changes now: its database does not answer. Nothing was applied. */
export class BoardUnavailable extends Error {
	constructor(docId: string) {
		super(`The board ${docId} cannot save changes right now; try again shortly.`);
	}
}

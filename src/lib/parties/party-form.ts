import type { PartyStatus } from './party-status';

/** Fields a form may start with: a record being edited, or what the opener already knows (a deal's contact name, a caller's number). */
export interface PartyInitial {
	name?: string;
	phones?: string[];
	emails?: string[];
	companyId?: string | null;
	/** Shown for companyId until the user changes it. */
	companyName?: string | null;
	position?: string | null;
	status?: PartyStatus;
	ownerId?: string | null;
	segment?: string | null;
	tags?: string[];
	address?: string | null;
	website?: string | null;
	birthday?: string | null;
	taxId?: string | null;
	note?: string | null;
}

import type { z } from '@hono/zod-openapi';
import type { PartyRow } from '../../contacts/party.js';
import type { contactJson } from './party.routes.js';

type ContactJson = z.infer<typeof contactJson>;

/** A contact or company as the API shows it: times as ISO strings, no internal keys. */
export function toPartyJson(row: PartyRow, companyName: string | null): ContactJson {
	const common = {
		id: row.id,
		name: row.name,
		phones: row.phones,
		emails: row.emails,
		address: row.address,
		website: row.website,
		segment: row.segment,
		status: row.status,
		ownerId: row.ownerId,
		tags: row.tags,
		note: row.note,
		createdAt: row.createdAt.toISOString(),
		updatedAt: row.updatedAt.toISOString(),
		deletedAt: row.deletedAt?.toISOString() ?? null,
		atRiskSince: row.atRiskSince?.toISOString() ?? null,
		custom: row.custom ?? {}
	};
	// Typed as a contact: the routes' schemas tell the two apart for the API's readers.
	if ('taxId' in row) return { ...common, taxId: row.taxId } as unknown as ContactJson;
	return { ...common, companyId: row.companyId, companyName, position: row.position, birthday: row.birthday };
}

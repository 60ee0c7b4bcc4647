import * as Y from 'yjs';
import type { Violation } from '../../src/lib/model/validate.js';
import { checkFieldValue, fieldIdOfKey, type CustomFieldDef } from '../../src/lib/model/fields.js';
import type { EntityChange } from '../board/change-set.js';
import { t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

/**
 * The custom values a change wrote on a deal, against the workspace's deal
 * fields: the document's schema only knows a value's shape, the workspace
 * knows which fields exist and what each takes. Values written earlier are
 * not checked again: archiving a field or removing a member must not make
 * every later edit of the deal fail.
 */
export function checkCustomValues(
	map: Y.Map<unknown> | undefined,
	change: EntityChange,
	dealId: string,
	fields: ReadonlyMap<string, CustomFieldDef>,
	members: ReadonlySet<string>
): Violation[] {
	if (!(map instanceof Y.Map)) return [];
	// A created (or restored) deal brings all its keys; an edited one, those it wrote.
	const written = change.created || change.replaced ? [...map.keys()] : change.fields;
	for (const key of written) {
		const fieldId = fieldIdOfKey(key);
		if (fieldId === null || !map.has(key)) continue;
		const field = fields.get(fieldId);
		const title = String(map.get('title')).slice(0, 200);
		const problem = field ? checkFieldValue(field, map.get(key), { members }) : t(m.field_unknown, { id: fieldId.slice(0, 64) });
		if (problem) return [{ entity: 'deal', id: dealId, rule: 'schema', message: t(m.rule_custom_field, { title, problem }) }];
	}
	return [];
}

import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { escapeLike } from '../db/like.js';
import type { CustomFieldType } from '../../src/lib/model/fields.js';

/** A list filter on a custom field: equality, "contains" for text, "includes" for a multi-choice. */
export interface FieldCondition {
	fieldId: string;
	type: CustomFieldType;
	value: string;
}

/** The SQL of one custom field condition on a `custom` jsonb column (contacts, companies, deals and their exports). */
export function fieldConditionSql(column: SQL | AnyColumn, condition: FieldCondition): SQL {
	const { fieldId, type, value } = condition;
	if (type === 'text' || type === 'link') return sql`(${column} ->> ${fieldId}) ilike ${`%${escapeLike(value)}%`}`;
	if (type === 'multi_choice') return sql`(${column} -> ${fieldId}) @> ${JSON.stringify([value])}::jsonb`;
	if (type === 'money') return sql`(${column} -> ${fieldId} ->> 'amountMinor') = ${value}`;
	return sql`(${column} ->> ${fieldId}) = ${value}`;
}

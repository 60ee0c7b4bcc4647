import { z } from '@hono/zod-openapi';
import { roleField } from './column-fields.js';
import { createSchemaFactory } from 'drizzle-zod';
import { apiTokens, users, workspaces } from '../db/schema.js';
import { isStorableText, storableTextMessage } from '../../src/lib/model/validate.js';
import { locales } from '../i18n/locale.js';
import { schemaMessage } from '../../src/lib/schema-text.js';
import { m } from '../../src/lib/paraglide/messages.js';

// drizzle-zod derives field validators from the tables, so a column and the
// API field that writes it cannot drift apart; the openapi-aware z is used.
const { createInsertSchema } = createSchemaFactory({ zodInstance: z });

// PostgreSQL cannot store NUL in text, and a lone surrogate is not Unicode:
// the drivers would replace it, so "a\uD800" and "a\uDBFF" would be stored,
// hashed and compared as the same string. One check for the API and the board.
const storable = (schema: z.ZodString) => schema.refine(isStorableText, storableTextMessage);

/** A string of well-formed Unicode without NUL: every text field of a request starts from it. */
export const plainText = () => storable(z.string());

const atMost100 = schemaMessage(m.error_at_most_characters, { count: 100 });
const userInsert = createInsertSchema(users, {
	email: (s) => s.trim().toLowerCase().pipe(z.email(schemaMessage(m.error_email_invalid))).pipe(z.string().max(254)),
	name: (s) => storable(s).trim().min(1, schemaMessage(m.error_name_empty)).max(100, atMost100)
});
const workspaceInsert = createInsertSchema(workspaces, {
	name: (s) => storable(s).trim().min(1, schemaMessage(m.error_workspace_name_empty)).max(100, atMost100)
});
const apiTokenInsert = createInsertSchema(apiTokens, {
	name: (s) => storable(s).trim().min(1, schemaMessage(m.error_token_name_empty)).max(100, atMost100)
});

export const emailField = userInsert.shape.email;
export const personNameField = userInsert.shape.name;
export const workspaceNameField = workspaceInsert.shape.name;
export const tokenNameField = apiTokenInsert.shape.name;
// Strength is checked after parsing, so the message can say what is wrong.
export const passwordField = plainText().min(1, schemaMessage(m.error_password_empty)).max(200, schemaMessage(m.error_at_most_characters, { count: 200 }));
export { roleField };
export const idParam = plainText().min(1).max(64);

/** A language of the app; null follows the browser's. */
export const localeField = z.enum(locales).nullable().openapi({ description: 'The language of the app and of its messages; null follows the browser', example: 'ru' });
export const userSchema = z
	.object({ id: z.string(), email: z.string(), name: z.string(), locale: localeField })
	.openapi('User');
export const workspaceSchema = z
	.object({ id: z.string(), name: z.string(), role: roleField })
	.openapi('WorkspaceOfUser');
export const memberSchema = z
	.object({ userId: z.string(), name: z.string(), email: z.string(), role: roleField, joinedAt: z.string() })
	.openapi('Member');
export const inviteSchema = z
	.object({
		id: z.string(),
		role: roleField,
		expiresAt: z.string(),
		maxUses: z.number().int().nullable(),
		useCount: z.number().int(),
		createdAt: z.string(),
		createdBy: z.object({ id: z.string(), name: z.string() }).nullable()
	})
	.openapi('Invite');
export const apiTokenSchema = z
	.object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })
	.openapi('ApiToken');

export function jsonBody<T extends z.ZodType>(schema: T) {
	return { content: { 'application/json': { schema } }, required: true };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
	return { content: { 'application/json': { schema } }, description };
}

import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { automationLog, companies, contacts, interactions, pipelines, recordEvents, workspaces, type IntakeSourceRow } from '../db/schema.js';
import { createDeal } from '../../src/lib/model/commands.js';
import { listStages } from '../../src/lib/model/board.js';
import type { DealSource } from '../../src/lib/model/schema.js';
import { limits } from '../../src/lib/model/schema.js';
import { generateId } from '../auth/tokens.js';
import { createParty, getParty } from '../contacts/party-store.js';
import { derivePartyKeys } from '../contacts/party.js';
import { findDuplicates } from '../contacts/duplicates.js';
import { normaliseCompanyName } from '../contacts/normalise.js';
import { logAutomation } from '../automation/automation-log.js';
import type { Notifier } from '../notifications/notifier.js';
import type { RoomManager } from '../sync/rooms.js';
import type { Writer } from '../board/writer.js';
import { BoardUnavailable, RefusedChange } from '../board/refused-change.js';
import { ApiError, notFound } from '../http/errors.js';
import { addWorkingTime, type TeamCalendar } from '../workspaces/working-time.js';
import { t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';
import { chooseOwner, type RoutingReason } from './routing.js';
import type { IntakeRequest } from './submission.js';

/**
 * Lead intake, one code path for every source (web forms, the webhook):
 * link or create the contact and company, choose the owner, put the deal
 * with its first task on the board, record the request, notify the owner.
 *
 * No partial writes, without one transaction spanning the database and the
 * board (the board's room writes its own update log, and on PGlite, one
 * connection, holding a transaction open while awaiting the room deadlocks):
 * 1. everything is read and decided first (matches, owner, due time, ids);
 * 2. the database rows (new contact/company, the interaction, the log entry)
 *    are written in one transaction;
 * 3. the deal goes on the board last. Should the board refuse it or be
 *    unavailable, step 2 is undone (compensated) and a 'failed' entry says so.
 * A crash between 2 and 3 leaves a contact with the request's text in its
 * history and a log entry without a deal on the board: the request is still
 * captured, and nobody is told of a deal that does not exist.
 */

export interface IntakeDeps {
	db: Database;
	rooms: RoomManager;
	notifier: Notifier;
	now: () => Date;
}

export interface IntakeResult {
	dealId: string;
	taskId: string;
	contactId: string;
	companyId: string | null;
	ownerId: string;
	dueAt: string;
	/** The contact was known before (matched on phone or email). */
	contactMatched: boolean;
}

/** The board writer of intake: the server, acting for a form or webhook rather than a person. */
const intakeWriter: Writer = { kind: 'system', userId: null };

const dealSourceOf: Record<IntakeRequest['channel'], DealSource> = { form: 'form', email: 'email', phone: 'phone' };
const interactionKindOf = { form: 'note', email: 'email', phone: 'call' } as const;

export async function runIntake(deps: IntakeDeps, source: IntakeSourceRow, request: IntakeRequest): Promise<IntakeResult> {
	const { db } = deps;
	const at = deps.now();
	const [context] = await db
		.select({ pipeline: pipelines, timeZone: workspaces.timeZone, workingHours: workspaces.workingHours })
		.from(pipelines)
		.innerJoin(workspaces, eq(workspaces.id, pipelines.workspaceId))
		.where(and(eq(pipelines.id, source.pipelineId), eq(pipelines.workspaceId, source.workspaceId)));
	if (!context || context.pipeline.archivedAt) throw notFound(t(m.intake_error_form_disabled));
	const calendar: TeamCalendar = { timeZone: context.timeZone, workingHours: context.workingHours };

	// 1. Read and decide.
	const contactMatch = await matchContact(db, source.workspaceId, request);
	const companyMatch = request.company ? await matchCompany(db, source.workspaceId, request.company) : (contactMatch?.companyId ?? null);
	const owner = await chooseOwner(db, context.pipeline, source.ownerRule, source.ownerId, at);
	const dueAt = (source.slaWorkingTime
		? addWorkingTime(at, source.slaMinutes / 60, 'working_hours', calendar)
		: addWorkingTime(at, source.slaMinutes, 'minutes', calendar)
	).toISOString();
	const dealId = generateId();
	const taskId = generateId();
	const interactionId = generateId();
	const title = dealTitle(source, request);

	// 2. The database rows, all or nothing.
	const created = await db.transaction(async (tx) => {
		let companyId = companyMatch;
		let newCompanyId: string | null = null;
		if (!companyId && request.company) {
			newCompanyId = (await createParty(tx, { workspaceId: source.workspaceId, kind: 'company' }, { name: request.company, ownerId: owner.userId }, null, at)).id;
			companyId = newCompanyId;
		}
		let contactId = contactMatch?.id ?? null;
		let newContactId: string | null = null;
		if (!contactId) {
			const contact = await createParty(
				tx,
				{ workspaceId: source.workspaceId, kind: 'contact' },
				{ name: request.name, phones: request.phone ? [request.phone] : [], emails: request.email ? [request.email] : [], companyId, ownerId: owner.userId },
				null,
				at
			);
			newContactId = contact.id;
			contactId = contact.id;
		}
		await tx.insert(interactions).values({
			id: interactionId,
			workspaceId: source.workspaceId,
			dealId,
			contactId,
			companyId,
			kind: interactionKindOf[request.channel],
			text: interactionText(source, request),
			at,
			userId: null
		});
		await logAutomation(tx, {
			workspaceId: source.workspaceId,
			kind: 'intake',
			source: source.id,
			outcome: 'done',
			dealId,
			contactId,
			taskId,
			key: `intake:${dealId}`,
			detail: { title, ownerId: owner.userId, routing: owner.reason, contactMatched: contactMatch !== null, companyId, dueAt },
			at
		});
		return { contactId, companyId, newContactId, newCompanyId };
	});

	// 3. The deal on the board, last.
	try {
		await deps.rooms.withRoom(source.pipelineId, (room) =>
			room.change(intakeWriter, (doc) =>
				createDeal(
					doc,
					{
						id: dealId,
						title,
						valueMinor: 0,
						currency: source.locale === 'ru' ? 'RUB' : 'EUR',
						stageId: openStageOf(doc, source.stageId),
						ownerId: owner.userId,
						contactId: created.contactId,
						...(created.companyId ? { companyId: created.companyId } : {}),
						source: dealSourceOf[request.channel]
					},
					{ id: taskId, type: source.taskType, title: source.taskTitle, dueAt, assigneeId: owner.userId },
					{ now: () => at.toISOString() }
				)
			)
		);
	} catch (error) {
		await undoRows(db, source, { dealId, interactionId, contactId: created.newContactId, companyId: created.newCompanyId });
		await logAutomation(db, {
			workspaceId: source.workspaceId,
			kind: 'intake',
			source: source.id,
			outcome: 'failed',
			detail: { title, error: error instanceof Error ? error.message : String(error) },
			at
		});
		if (error instanceof BoardUnavailable || error instanceof RefusedChange) {
			throw new ApiError(503, 'intake_failed', t(m.intake_error_board_failed), undefined, { 'Retry-After': '5' });
		}
		throw error;
	}

	// The deal exists: a notification that fails is logged, not a failed request.
	await deps.notifier
		.notify({
			workspaceId: source.workspaceId,
			userId: owner.userId,
			kind: 'lead_assigned',
			params: { title, source: source.name },
			dealId,
			taskId,
			contactId: created.contactId,
			key: `intake:${dealId}`,
			at
		})
		.catch((error: unknown) => console.error('intake: notifying the owner failed', error));
	return { dealId, taskId, contactId: created.contactId, companyId: created.companyId, ownerId: owner.userId, dueAt, contactMatched: contactMatch !== null };
}

/** The existing contact this person is: an exact phone or email match, never a similar name alone. */
async function matchContact(db: Database, workspaceId: string, request: IntakeRequest): Promise<{ id: string; companyId: string | null } | null> {
	const keys = derivePartyKeys('contact', { name: request.name, phones: request.phone ? [request.phone] : [], emails: request.email ? [request.email] : [] });
	if (keys.phoneKeys.length === 0 && keys.emailKeys.length === 0) return null;
	const candidates = await findDuplicates(db, workspaceId, 'contact', { nameKey: keys.nameKey, phoneKeys: keys.phoneKeys, emailKeys: keys.emailKeys });
	const best = candidates.find((candidate) => candidate.matchedOn.includes('email') || candidate.matchedOn.includes('phone'));
	if (!best) return null;
	const row = await getParty(db, { workspaceId, kind: 'contact' }, best.id);
	return row ? { id: row.id, companyId: 'companyId' in row ? row.companyId : null } : null;
}

/** The existing company of this name (its normalised form equal: "ООО Ромашка" is "Ромашка"), else null. */
async function matchCompany(db: Database, workspaceId: string, name: string): Promise<string | null> {
	const nameKey = normaliseCompanyName(name);
	if (!nameKey) return null;
	const candidates = await findDuplicates(db, workspaceId, 'company', { nameKey, phoneKeys: [], emailKeys: [] }, { limit: 20 });
	return candidates.find((candidate) => normaliseCompanyName(candidate.name) === nameKey)?.id ?? null;
}

/** The form's stage, or the board's first open one when that stage was closed or deleted since: a request is never lost for it. */
function openStageOf(doc: Parameters<typeof listStages>[0], stageId: string): string {
	const open = listStages(doc).filter((stage) => stage.kind === 'open');
	return (open.find((stage) => stage.id === stageId) ?? open[0])?.id ?? stageId;
}

function dealTitle(source: IntakeSourceRow, request: IntakeRequest): string {
	const words = { form: m.intake_deal_title_form, email: m.intake_deal_title_email, phone: m.intake_deal_title_phone }[request.channel];
	const title = words({ name: request.name }, { locale: source.locale }) + (request.titleSuffix ? ` — ${request.titleSuffix}` : '');
	return title.length > limits.titleLength ? `${title.slice(0, limits.titleLength - 1)}…` : title;
}

function interactionText(source: IntakeSourceRow, request: IntakeRequest): string {
	const heading = m.intake_interaction_heading({ source: source.name }, { locale: source.locale });
	const notes = request.notes.map((note) => `${note.label}: ${note.value}`);
	return [heading, request.message, notes.join('\n')].filter((part) => part).join('\n\n');
}

/** Takes back what step 2 wrote, when the board did not take the deal. */
async function undoRows(db: Database, source: IntakeSourceRow, written: { dealId: string; interactionId: string; contactId: string | null; companyId: string | null }) {
	await db.transaction(async (tx) => {
		await tx.delete(interactions).where(and(eq(interactions.id, written.interactionId), eq(interactions.workspaceId, source.workspaceId)));
		await tx.delete(automationLog).where(and(eq(automationLog.workspaceId, source.workspaceId), eq(automationLog.key, `intake:${written.dealId}`)));
		const created = [written.contactId, written.companyId].filter((id): id is string => id !== null);
		if (created.length === 0) return;
		await tx.delete(recordEvents).where(and(eq(recordEvents.workspaceId, source.workspaceId), inArray(recordEvents.subjectId, created)));
		if (written.contactId) await tx.delete(contacts).where(and(eq(contacts.id, written.contactId), eq(contacts.workspaceId, source.workspaceId)));
		if (written.companyId) await tx.delete(companies).where(and(eq(companies.id, written.companyId), eq(companies.workspaceId, source.workspaceId)));
	});
}

import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { interactions, pipelines, workspaces, type IntakeSourceRow } from '../db/schema.js';
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
import { BoardUnavailable, RefusedChange } from '../board/refused-change.js';
import { ApiError, notFound } from '../http/errors.js';
import { addWorkingTime, type TeamCalendar } from '../workspaces/working-time.js';
import { t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';
import {
	intakeKey,
	markIntakeDone,
	notifyIntakeOwner,
	placeIntakeDeal,
	readIntakeOutcome,
	undoIntake,
	type IntakePlan,
	type PendingIntake
} from './pending-intake.js';
import { chooseOwner, type RoutingReason } from './routing.js';
import type { IntakeRequest } from './submission.js';

/**
 * Lead intake, one code path for every source (web forms, the webhook):
 * link or create the contact and company, choose the owner, put the deal
 * with its first task on the board, record the request, notify the owner.
 *
 * No partial writes and no lost request, without one transaction spanning
 * the database and the board (the board's room writes its own update log, and
 * on PGlite, one connection, holding a transaction open while awaiting the
 * room deadlocks):
 * 1. everything is read and decided first (matches, owner, due time, ids);
 * 2. the database rows (new contact/company, the interaction) are written in
 *    one transaction with a 'pending' log entry that holds everything needed
 *    to put the deal on the board (pending-intake.ts);
 * 3. the deal goes on the board; should the board refuse it or be
 *    unavailable, step 2 is undone (compensated) and the entry turns 'failed';
 * 4. the owner is told and the entry turns 'done'.
 * A crash after step 2 leaves the entry pending: the recovery job
 * (intake-recovery.ts) finishes it with the same ids, so the lead still
 * becomes one deal with its task, and its owner is told once.
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

	// 2. The database rows, all or nothing, with the intake recorded as pending and everything needed to finish it.
	const intake = await db.transaction(async (tx): Promise<PendingIntake> => {
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
		const plan: IntakePlan = {
			title,
			pipelineId: source.pipelineId,
			stageId: source.stageId,
			ownerId: owner.userId,
			routing: owner.reason,
			contactMatched: contactMatch !== null,
			companyId,
			dueAt,
			currency: source.locale === 'ru' ? 'RUB' : 'EUR',
			dealSource: dealSourceOf[request.channel],
			taskType: source.taskType,
			taskTitle: source.taskTitle,
			sourceName: source.name,
			interactionId,
			createdContactId: newContactId,
			createdCompanyId: newCompanyId
		};
		await logAutomation(tx, {
			workspaceId: source.workspaceId,
			kind: 'intake',
			source: source.id,
			outcome: 'pending',
			dealId,
			contactId,
			taskId,
			key: intakeKey(dealId),
			detail: plan,
			at
		});
		return { workspaceId: source.workspaceId, sourceId: source.id, dealId, taskId, contactId, at, plan };
	});

	// 3. The deal on the board, last. Should this process die from here on, the recovery job finishes the intake.
	try {
		await placeIntakeDeal(db, deps.rooms, intake);
	} catch (error) {
		const reason = error instanceof RefusedChange ? 'board_refused' : 'board_unavailable';
		const undone = await undoIntake(db, intake, reason, error instanceof Error ? error.message : String(error));
		// Not pending any more: the recovery job finished it meanwhile (this request was slower than its grace).
		if (!undone && (await readIntakeOutcome(db, intake)) === 'done') return resultOf(intake);
		if (error instanceof BoardUnavailable || error instanceof RefusedChange) {
			throw new ApiError(503, 'intake_failed', t(m.intake_error_board_failed), undefined, { 'Retry-After': '5' });
		}
		throw error;
	}

	// 4. Told before marked done: a crash between the two tells again under the same key, which is once.
	await notifyIntakeOwner(deps.notifier, intake, at);
	await markIntakeDone(db, intake, null);
	return resultOf(intake);
}

function resultOf(intake: PendingIntake): IntakeResult {
	return {
		dealId: intake.dealId,
		taskId: intake.taskId,
		contactId: intake.contactId,
		companyId: intake.plan.companyId,
		ownerId: intake.plan.ownerId,
		dueAt: intake.plan.dueAt,
		contactMatched: intake.plan.contactMatched
	};
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

import type { DealSource, Stage, TaskType } from '../../src/lib/model/schema.js';
import type { Locale } from '../i18n/locale.js';
import { createRandom, generateSampleDeals, sampleNextSteps } from './sample-deals.js';

/**
 * A sales team's last 90 days, planned in advance and deterministic with a
 * seed: deals created over time, moved stage by stage (some skip a stage,
 * some go back), won or lost with a reason, some left idle. seed.ts writes
 * the plan through the board like real work, each step at its own time.
 */

const dayMs = 24 * 60 * 60 * 1000;
const hourMs = 60 * 60 * 1000;
export const historyDays = 90;

interface HistoryWords {
	people: string[];
	calls: string[];
	notes: string[];
	wonNote: string;
}

const historyWords: Record<Locale, HistoryWords> = {
	en: {
		people: ['Anna Smith', 'James Brown', 'Olivia Green', 'Liam Turner', 'Emma Clarke', 'Noah Hughes', 'Sophie Baker', 'Lucas Wright', 'Mia Collins', 'Ethan Price'],
		calls: [
			'Called: budget confirmed for this quarter.',
			'Called: they want a demo for the whole team.',
			'Call: asked for references from their industry.',
			'Call: procurement joins the next meeting.',
			'No answer; left a voicemail.'
		],
		notes: [
			'Decision maker is the operations director.',
			'They compare us with two other vendors.',
			'Sent the price list and the case study.',
			'Wants a discount for a two-year contract.',
			'Legal is reviewing the contract draft.'
		],
		wonNote: 'Contract signed. Hand over to onboarding.'
	},
	ru: {
		people: ['Анна Смирнова', 'Дмитрий Козлов', 'Ольга Новикова', 'Сергей Морозов', 'Елена Волкова', 'Павел Лебедев', 'Наталья Орлова', 'Игорь Соколов', 'Татьяна Зайцева', 'Андрей Васильев'],
		calls: [
			'Созвонились: бюджет на квартал подтверждён.',
			'Звонок: хотят демонстрацию для всей команды.',
			'Звонок: просят отзывы клиентов из их отрасли.',
			'Звонок: на следующую встречу придёт отдел закупок.',
			'Не дозвонился, оставил сообщение.'
		],
		notes: [
			'Решение принимает операционный директор.',
			'Сравнивают нас ещё с двумя поставщиками.',
			'Отправил прайс-лист и кейс похожего клиента.',
			'Хотят скидку за договор на два года.',
			'Юристы клиента согласуют проект договора.'
		],
		wonNote: 'Договор подписан. Передаём во внедрение.'
	}
};

/** Which lost reason fits where the deal was lost: early deals go silent, late ones pick a competitor. */
const reasonWeights = { early: [3, 1, 4, 1], late: [2, 5, 1, 1] };

export type HistoryStep =
	| { kind: 'move'; at: Date; stageId: string; task: { type: TaskType; title: string }; dueAt: Date }
	| { kind: 'won'; at: Date }
	| { kind: 'lost'; at: Date; reasonIndex: number }
	| { kind: 'call' | 'note'; at: Date; text: string };

export interface PlannedDeal {
	title: string;
	valueMinor: number;
	currency: string;
	source: DealSource;
	ownerIndex: number;
	company: string;
	person: string;
	createdAt: Date;
	/** When the owner expected to close it (YYYY-MM-DD): the forecast's month. */
	expectedCloseDate: string;
	firstStageId: string;
	firstTask: { type: TaskType; title: string; dueAt: Date };
	steps: HistoryStep[];
}

/** A time of day in office hours on the day `days` after `start`. */
function officeTime(start: Date, days: number, random: () => number): Date {
	const at = new Date(start.getTime() + days * dayMs);
	at.setUTCHours(7 + Math.floor(random() * 9), Math.floor(random() * 4) * 15, 0, 0);
	return at;
}

export function planSampleHistory(input: {
	count: number;
	stages: Stage[];
	owners: number;
	/** How many lost reasons the workspace has (the first four are the defaults, in their order). */
	reasons: number;
	now: Date;
	seed?: number;
	locale?: Locale;
}): PlannedDeal[] {
	const open = input.stages.filter((stage) => stage.kind === 'open');
	if (open.length === 0 || input.owners === 0) return [];
	const random = createRandom((input.seed ?? 42) ^ 0x5eed);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
	const words = historyWords[input.locale ?? 'en'];
	// The deals themselves (title, value, currency): the same generator as the board's samples.
	const samples = generateSampleDeals({ count: input.count, stages: input.stages, ownerIds: ['x'], now: input.now, seed: input.seed, locale: input.locale, newId: () => '' });
	const last = open.length - 1;
	const nextSteps = sampleNextSteps(input.locale);
	// The next step fits the stage the deal is in: a call early, the proposal in the middle, terms late.
	const stepFor = (stageIndex: number) => {
		const at = Math.round((stageIndex / Math.max(1, last)) * (nextSteps.length - 2)) + (random() < 0.5 ? 0 : 1);
		return nextSteps[Math.min(nextSteps.length - 1, at)]!;
	};
	const start = new Date(input.now.getTime() - historyDays * dayMs);

	return samples.map(({ deal }, i) => {
		// Created over the whole period, a little more often lately (the team grows).
		const createdDay = Math.floor(Math.sqrt(random()) * (historyDays - 1));
		const createdAt = officeTime(start, createdDay, random);
		if (createdAt >= input.now) createdAt.setTime(input.now.getTime() - 2 * hourMs);
		const steps: HistoryStep[] = [];
		// One deal in five stalls: nobody moves it again, so it idles and rots.
		const stalls = random() < 0.2;
		let index = 0;
		let day = createdDay;
		let at = createdAt;
		while (true) {
			day += 1 + Math.floor(random() * random() * 12);
			const next = officeTime(start, day, random);
			if (next.getTime() > input.now.getTime() - hourMs || (stalls && steps.length > 0)) break;
			at = next;
			if (random() < 0.35) steps.push({ kind: random() < 0.6 ? 'call' : 'note', at: new Date(at.getTime() - 30 * 60_000), text: pick(random() < 0.6 ? words.calls : words.notes) });
			const roll = random();
			if (roll < 0.1 + 0.04 * index) {
				const weights = index < 2 ? reasonWeights.early : reasonWeights.late;
				steps.push({ kind: 'lost', at, reasonIndex: Math.min(input.reasons - 1, weighted(weights, random)) });
				break;
			}
			if (index === last) {
				if (roll < 0.7) {
					steps.push({ kind: 'note', at: new Date(at.getTime() - 10 * 60_000), text: words.wonNote });
					steps.push({ kind: 'won', at });
					break;
				}
				continue;
			}
			const turn = random();
			const to = turn < 0.08 && index > 0 ? index - 1 : turn < 0.2 && index + 2 <= last ? index + 2 : index + 1;
			index = to;
			const task = stepFor(to);
			steps.push({ kind: 'move', at, stageId: open[to]!.id, task: { type: task.type, title: task.title }, dueAt: officeTime(start, day + 1 + Math.floor(random() * 4), random) });
		}
		const first = stepFor(0);
		const firstTask = { type: first.type, title: first.title, dueAt: new Date(createdAt.getTime() + (1 + Math.floor(random() * 2)) * dayMs) };
		// An open deal's next step: a worked deal's is mostly ahead (some today),
		// a stalled one's stays where it was left, long overdue.
		if (!steps.some((step) => step.kind === 'won' || step.kind === 'lost')) {
			const lastMove = steps.findLast((step) => step.kind === 'move');
			const task = lastMove ?? firstTask;
			const roll = random();
			if (!stalls && roll < 0.6) task.dueAt = officeTime(input.now, 1 + Math.floor(random() * 10), random);
			else if (!stalls && roll < 0.8) task.dueAt = new Date(input.now.getTime() + (1 + Math.floor(random() * 5)) * hourMs);
		}
		return {
			title: deal.title,
			valueMinor: deal.valueMinor,
			currency: deal.currency,
			source: deal.source ?? 'manual',
			ownerIndex: i % input.owners,
			company: deal.title.split(':')[0]!,
			person: pick(words.people),
			createdAt,
			// Four to fourteen weeks after it came in, without drawing from `random`, so a seed's
			// history is unchanged: some open deals are still ahead of it, some have let it slip.
			expectedCloseDate: new Date(createdAt.getTime() + (28 + ((i * 37) % 71)) * dayMs).toISOString().slice(0, 10),
			firstStageId: open[0]!.id,
			firstTask,
			steps
		};
	});
}

function weighted(weights: number[], random: () => number): number {
	const total = weights.reduce((sum, w) => sum + w, 0);
	let roll = random() * total;
	for (let i = 0; i < weights.length; i++) {
		roll -= weights[i]!;
		if (roll <= 0) return i;
	}
	return weights.length - 1;
}

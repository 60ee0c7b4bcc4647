import type { NewDeal, NewTask } from '../../src/lib/model/commands.js';
import type { Stage, TaskType } from '../../src/lib/model/schema.js';
import type { Locale } from '../i18n/locale.js';

interface SampleWords {
	companies: string[];
	offers: string[];
	nextSteps: Array<{ type: TaskType; title: string }>;
	currencies: string[];
}

/** Made-up companies, offers and next steps in each language the app speaks. */
const sampleWords: Record<Locale, SampleWords> = {
	en: {
		companies: [
			'Northwind Traders', 'Globex', 'Initech', 'Umbrella Logistics', 'Stark Components', 'Wayne Foods', 'Hooli', 'Vandelay Imports',
			'Pied Piper', 'Soylent Farms', 'Acme Hardware', 'Tyrell Robotics', 'Cyberdyne Systems', 'Gringotts Finance', 'Monarch Paper',
			'Oscorp Labs', 'Blue Sun Retail', 'Wonka Confectionery', 'Massive Dynamic', 'Aperture Clinics', 'Prestige Worldwide',
			'Sterling Cooper', 'Dunder Mifflin', 'Bluth Homes', 'Kruger Industrial', 'Nakatomi Trading', 'Zorg Materials', 'Gekko & Co',
			'Rekall Travel', 'Virtucon', 'Ollivanders', 'Brawndo Beverages', 'Spacely Sprockets', 'Cogswell Cogs', 'InGen Biotech'
		],
		offers: [
			'annual licence', 'pilot project', '40 seats', 'onboarding package', 'renewal', 'support upgrade', 'warehouse rollout',
			'2nd site expansion', 'integration', 'training days', 'hardware refresh', 'consulting retainer'
		],
		nextSteps: [
			{ type: 'call', title: 'Call back' },
			{ type: 'call', title: 'Qualify budget and timeline' },
			{ type: 'meeting', title: 'Demo with the team' },
			{ type: 'email', title: 'Send the proposal' },
			{ type: 'email', title: 'Follow up on the proposal' },
			{ type: 'todo', title: 'Prepare the contract' },
			{ type: 'meeting', title: 'Negotiate terms' }
		],
		currencies: ['EUR', 'EUR', 'EUR', 'USD', 'USD', 'GBP']
	},
	ru: {
		companies: [
			'Ромашка', 'Рога и копыта', 'Вектор-Строй', 'Северный ветер', 'Альфа Логистик', 'ТехноСфера', 'Уральские станки',
			'Сибирские пекарни', 'Волжский текстиль', 'Медтехника Плюс', 'Агрохолдинг «Заря»', 'Кубань Фрукт', 'Балтик Трейд',
			'Гранит Инжиниринг', 'Калинка Софт', 'Полярная звезда', 'Байкал Тур', 'Смарт Офис', 'Атлант Мебель', 'Радуга Принт',
			'Зелёный город', 'Онега Лес', 'Камский кабель', 'Весна Косметикс', 'Дельта Финанс', 'Орбита Телеком', 'Ладога Рыба'
		],
		offers: [
			'годовая лицензия', 'пилотный проект', '40 рабочих мест', 'пакет внедрения', 'продление', 'расширенная поддержка',
			'запуск на складе', 'второй филиал', 'интеграция', 'обучение сотрудников', 'обновление оборудования', 'абонентское консультирование'
		],
		nextSteps: [
			{ type: 'call', title: 'Перезвонить' },
			{ type: 'call', title: 'Уточнить бюджет и сроки' },
			{ type: 'meeting', title: 'Демонстрация для команды' },
			{ type: 'email', title: 'Отправить коммерческое предложение' },
			{ type: 'email', title: 'Напомнить о коммерческом предложении' },
			{ type: 'todo', title: 'Подготовить договор' },
			{ type: 'meeting', title: 'Обсудить условия' }
		],
		currencies: ['RUB', 'RUB', 'RUB', 'RUB', 'USD', 'EUR']
	}
};
/** The next steps of a deal in the language, in funnel order (call back first, negotiate last). */
export function sampleNextSteps(locale: Locale = 'en'): ReadonlyArray<{ type: TaskType; title: string }> {
	return sampleWords[locale].nextSteps;
}

/** Roubles are worth about a hundredth of a euro: a deal's sum in them is that much larger. */
const unitsPerEuro: Record<string, number> = { RUB: 100 };

/** A small deterministic generator (mulberry32): the same seed gives the same board. */
export function createRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface SampleDeal {
	deal: NewDeal;
	task: NewTask;
}

/**
 * Realistic open deals spread over the open stages (more early in the funnel,
 * as in real pipelines), each with a next step due between two days ago and
 * two weeks ahead, so a board shows overdue, today's and upcoming tasks.
 * Used by "try it with sample data" and by the benchmarks' large boards.
 */
export function generateSampleDeals(input: {
	count: number;
	stages: Stage[];
	ownerIds: string[];
	now: Date;
	seed?: number;
	newId: () => string;
	/** The language of the made-up names and next steps; English when omitted. */
	locale?: Locale;
}): SampleDeal[] {
	const { companies, offers, nextSteps, currencies } = sampleWords[input.locale ?? 'en'];
	const random = createRandom(input.seed ?? 42);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
	const open = input.stages.filter((stage) => stage.kind === 'open');
	if (open.length === 0 || input.ownerIds.length === 0) return [];
	// Funnel weights: each stage holds about 0.7 of the one before.
	const weights = open.map((_, index) => 0.7 ** index);
	const total = weights.reduce((sum, w) => sum + w, 0);
	const pickStage = () => {
		let roll = random() * total;
		for (let i = 0; i < open.length; i++) {
			roll -= weights[i]!;
			if (roll <= 0) return { stage: open[i]!, index: i };
		}
		return { stage: open.at(-1)!, index: open.length - 1 };
	};
	return Array.from({ length: input.count }, () => {
		const { stage, index } = pickStage();
		const company = pick(companies);
		const size = random();
		const valueMinor = Math.round((size < 0.6 ? 1500 + size * 20000 : 15000 + size * 120000) / 50) * 5000;
		const step = nextSteps[Math.min(nextSteps.length - 1, index + Math.floor(random() * 2))]!;
		// Due between two days ago and two weeks ahead, in office hours.
		const due = new Date(input.now.getTime() + Math.round(-2 + random() * 16) * 24 * 3600_000);
		due.setUTCHours(8 + Math.floor(random() * 9), random() < 0.5 ? 0 : 30, 0, 0);
		// Drawn in this order so that a seed gives the same board as before.
		const title = `${company}: ${pick(offers)}`;
		const currency = pick(currencies);
		return {
			deal: {
				id: input.newId(),
				title,
				valueMinor: valueMinor * (unitsPerEuro[currency] ?? 1),
				currency,
				stageId: stage.id,
				ownerId: pick(input.ownerIds),
				source: pick(['form', 'phone', 'email', 'manual', 'import'] as const)
			},
			task: { id: input.newId(), type: step.type, title: step.title, dueAt: due.toISOString() }
		};
	});
}

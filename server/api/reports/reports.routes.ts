import { createRoute, z } from '@hono/zod-openapi';
import { errors } from '../responses.js';
import { idParam, jsonResponse } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const params = z.object({ pipelineId: idParam });

/** The longest period a report reads: ten years of days. */
export const maxPeriodDays = 3660;
const day = z.iso.date(schemaMessage(m.error_date_invalid));
const rep = idParam.optional().openapi({ description: 'Only this rep’s figures (a rep or viewer may name only themselves; by default they get their own)' });

const periodQuery = z
	.object({
		from: day.openapi({ description: 'The first day of the period (YYYY-MM-DD, a UTC calendar day)', example: '2030-05-01' }),
		to: day.openapi({ description: 'The last day of the period, included (YYYY-MM-DD)', example: '2030-05-31' }),
		rep
	})
	.strict()
	.superRefine((query, context) => {
		const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000;
		if (days < 0) context.addIssue({ code: 'custom', path: ['to'], message: schemaMessage(m.error_reports_period_order) });
		else if (days >= maxPeriodDays) context.addIssue({ code: 'custom', path: ['to'], message: schemaMessage(m.error_reports_period_too_long, { days: maxPeriodDays }) });
	});

export const monthField = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, schemaMessage(m.error_month_invalid)).openapi({ description: 'A calendar month, YYYY-MM', example: '2030-05' });

const reportResponses = { 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] };
const visibility = ' Owners and admins see everyone’s figures, managers those of the pipelines they belong to, reps and viewers their own. Days are UTC calendar days.';

// Generic in the name and query, so that the typed client tells each report's answer apart.
function reportRoute<N extends string, Q extends z.ZodObject, T extends z.ZodType>(name: N, summary: string, query: Q, schema: T, description: string) {
	return createRoute({
		method: 'get',
		path: `/pipelines/{pipelineId}/reports/${name}` as `/pipelines/{pipelineId}/reports/${N}`,
		tags: ['Reports'],
		summary,
		description: description + visibility,
		request: { params, query },
		responses: { 200: jsonResponse(schema, summary), ...reportResponses }
	});
}

const funnelSchema = z
	.object({
		stages: z.array(
			z.object({
				stageId: z.string(),
				name: z.string(),
				reached: z.number().int(),
				conversion: z.number().min(0).max(1).openapi({ description: 'reached(next) / reached(this); from the last open stage, won / reached(this); 0 when none reached this stage' })
			})
		),
		won: z.number().int(),
		lost: z.number().int()
	})
	.openapi('FunnelReport');

export const funnelRoute = reportRoute(
	'funnel',
	'Stage conversion funnel',
	periodQuery,
	funnelSchema,
	'The cohort is the deals created in the period; with the open stages in their order, a deal reached a stage when it was ever in that stage or a later one, or was won (skipped stages count as passed; a lost deal reached the furthest stage it was in). The conversion from a stage to the next is reached(next) / reached(stage), and from the last open stage to won is won / reached(last). `won` and `lost` count the cohort’s deals won or lost now.'
);

const lostSchema = z
	.object({
		byStage: z.array(z.object({ stageId: z.string().nullable(), name: z.string().nullable(), deals: z.number().int() })),
		byReason: z.array(z.object({ reason: z.string().nullable(), deals: z.number().int() })),
		byStageAndReason: z.array(z.object({ stageId: z.string().nullable(), reason: z.string().nullable(), deals: z.number().int() })),
		value: z.array(z.object({ currency: z.string(), valueMinor: z.number().int() })),
		total: z.number().int()
	})
	.openapi('LostReport');

export const lostRoute = reportRoute(
	'lost',
	'Deals lost, by stage and by reason',
	periodQuery,
	lostSchema,
	'Deals closed as lost in the period (and still lost), by the stage they were in when lost and by lost reason (null: none given); their value per currency, never summed across currencies.'
);

const timeSchema = z
	.object({
		stages: z.array(
			z.object({ stageId: z.string(), name: z.string(), stays: z.number().int(), averageDays: z.number().nullable(), medianDays: z.number().nullable() })
		)
	})
	.openapi('TimeInStageReport');

export const timeInStageRoute = reportRoute(
	'time-in-stage',
	'Average and median time in each stage',
	periodQuery,
	timeSchema,
	'Each entry into an open stage made in the period, until the deal’s next stage entry (a move or closing), in days to a tenth; stays not ended yet are left out.'
);

const forecastSchema = z
	.object({
		months: z.array(
			z.object({
				month: z.string().nullable().openapi({ description: 'Expected close month YYYY-MM; null for deals without an expected close date' }),
				currency: z.string(),
				deals: z.number().int(),
				openMinor: z.number().int(),
				weightedMinor: z.number().int()
			})
		)
	})
	.openapi('ForecastReport');

export const forecastRoute = reportRoute(
	'forecast',
	'Weighted forecast by expected close month',
	z.object({ rep }).strict(),
	forecastSchema,
	'Every open deal (a forecast looks ahead, so it takes no period): its value times its stage’s probability, summed by expected close month and currency.'
);

const summarySchema = z
	.object({
		won: z.number().int(),
		lost: z.number().int(),
		winRate: z.number().min(0).max(1).nullable(),
		wonValue: z.array(z.object({ currency: z.string(), deals: z.number().int(), revenueMinor: z.number().int(), averageMinor: z.number().int() })),
		cycleDays: z.object({ average: z.number(), median: z.number() }).nullable()
	})
	.openapi('SalesSummaryReport');

export const summaryRoute = reportRoute(
	'summary',
	'Win rate, average deal size and sales cycle',
	periodQuery,
	summarySchema,
	'Over the deals closed in the period: win rate won / (won + lost); won deals’ revenue and average size per currency; days from creation to winning (average and median).'
);

const figures = z.object({ wonDeals: z.number().int(), revenue: z.array(z.object({ currency: z.string(), revenueMinor: z.number().int() })) });
const resultsSchema = z
	.object({
		month: z.string(),
		reps: z.array(
			z.object({
				userId: z.string(),
				name: z.string(),
				target: z.object({ wonDeals: z.number().int(), revenueMinor: z.number().int(), currency: z.string() }).nullable(),
				month: figures,
				previousMonth: figures,
				lastYear: figures
			})
		)
	})
	.openapi('RepResultsReport');

export const resultsRoute = reportRoute(
	'results',
	'Each rep’s month against their target',
	z.object({ month: monthField, rep }).strict(),
	resultsSchema,
	'Deals won in this pipeline in the month (by the day they closed) per rep, against the rep’s target for the month, beside the month before and the same month a year earlier. Revenue is per currency; a target counts revenue in its own currency only.'
);

const activitySchema = z
	.object({
		reps: z.array(
			z.object({
				userId: z.string(),
				name: z.string(),
				tasksCompleted: z.number().int(),
				stageMoves: z.number().int(),
				calls: z.number().int(),
				notes: z.number().int(),
				emails: z.number().int(),
				meetings: z.number().int(),
				dealsCreated: z.number().int(),
				contactsCreated: z.number().int()
			})
		)
	})
	.openapi('ActivityReport');

export const activityRoute = reportRoute(
	'activity',
	'What each rep did in the period',
	periodQuery,
	activitySchema,
	'Per person: tasks completed (by the assignee), stage moves (by who moved), calls, notes, emails and meetings logged on the pipeline’s deals, deals created (their first stage entry) and contacts created in the workspace (contacts belong to no pipeline).'
);

const dynamicsQuery = z
	.object({
		from: day.openapi({ description: 'The first day of the period (YYYY-MM-DD, a UTC calendar day)', example: '2030-05-01' }),
		to: day.openapi({ description: 'The last day of the period, included (YYYY-MM-DD)', example: '2030-05-31' }),
		rep,
		by: z.enum(['day', 'week']).default('day').openapi({ description: 'One point per day, or per week (weeks start on Monday)' })
	})
	.strict()
	.superRefine((query, context) => {
		const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000;
		if (days < 0) context.addIssue({ code: 'custom', path: ['to'], message: schemaMessage(m.error_reports_period_order) });
		else if (days >= maxPeriodDays) context.addIssue({ code: 'custom', path: ['to'], message: schemaMessage(m.error_reports_period_too_long, { days: maxPeriodDays }) });
	});

const dynamicsSchema = z
	.object({
		by: z.enum(['day', 'week']),
		points: z.array(z.object({ date: z.string(), newDeals: z.number().int(), tasksCompleted: z.number().int(), contactsCreated: z.number().int() }))
	})
	.openapi('DynamicsReport');

export const dynamicsRoute = reportRoute(
	'dynamics',
	'New deals, tasks completed and contacts created per day or week',
	dynamicsQuery,
	dynamicsSchema,
	'Every day (or week, from its Monday) of the period with its counts, zeros included. Tasks count when done (the projection keeps no creation time for tasks); contacts count across the workspace, or those the rep created.'
);

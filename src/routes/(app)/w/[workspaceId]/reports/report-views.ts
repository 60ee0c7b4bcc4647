/**
 * What each report card shows: a chart, its table (formatted for reading)
 * and its CSV rows (plain numbers), built from an API answer. Money is never
 * added up across currencies: charts show one currency at a time and tables
 * a row per currency.
 */
import type { ChartConfiguration } from 'chart.js';
import { formatMoney, fractionDigits } from '$lib/board/money';
import { formatDay } from '$lib/format';
import { getLocale, m } from '$lib/i18n';
import type { PipelineStage } from '$lib/pipelines';
import type { Activity, Dynamics, Forecast, Funnel, LostReport, Results, TimeInStage } from './reports-api';

export interface TableColumn {
	key: string;
	label: string;
	numeric?: boolean;
}

export interface ReportView {
	chart: ChartConfiguration<'bar'> | null;
	columns: TableColumn[];
	rows: Record<string, string>[];
	csvRows: Record<string, unknown>[];
}

const fallbackColor = '#6366f1';
const reasonPalette = ['#dc2626', '#f59e0b', '#6366f1', '#0ea5e9', '#a855f7', '#16a34a', '#64748b', '#db2777'];

const count = () => new Intl.NumberFormat(getLocale());
const percent = () => new Intl.NumberFormat(getLocale(), { style: 'percent', maximumFractionDigits: 0 });
const days = () => new Intl.NumberFormat(getLocale(), { style: 'unit', unit: 'day', unitDisplay: 'long', maximumFractionDigits: 1 });
const monthFormat = () => new Intl.DateTimeFormat(getLocale(), { month: 'short', year: 'numeric', timeZone: 'UTC' });

export function formatMonth(month: string | null): string {
	return month === null ? m.reports_no_close_date() : monthFormat().format(new Date(`${month}-01T00:00:00Z`));
}

export function formatPercent(fraction: number | null): string {
	return fraction === null ? '—' : percent().format(fraction);
}

export function formatDays(value: number | null): string {
	return value === null ? '—' : days().format(value);
}

/** Minor units as a plain decimal for a spreadsheet ("1250.50"). */
function major(valueMinor: number, currency: string): string {
	return (valueMinor / 10 ** fractionDigits(currency)).toFixed(fractionDigits(currency));
}

function colorOf(stages: PipelineStage[], stageId: string | null, kind?: 'won' | 'lost'): string {
	const stage = stageId ? stages.find((candidate) => candidate.id === stageId) : stages.find((candidate) => candidate.kind === kind);
	return stage?.color ?? fallbackColor;
}

export function funnelView(funnel: Funnel, stages: PipelineStage[]): ReportView {
	const won = { stageId: null, name: m.reports_won(), reached: funnel.won, conversion: null as number | null };
	const bars = [...funnel.stages.map((stage) => ({ ...stage, conversion: stage.conversion as number | null })), won];
	const first = funnel.stages[0]?.reached ?? 0;
	return {
		chart: {
			type: 'bar',
			data: {
				labels: bars.map((bar) => bar.name),
				datasets: [
					{
						label: m.reports_funnel_reached(),
						data: bars.map((bar) => bar.reached),
						backgroundColor: bars.map((bar) => colorOf(stages, bar.stageId, 'won')),
						borderRadius: 4
					}
				]
			},
			options: {
				plugins: {
					legend: { display: false },
					tooltip: {
						callbacks: {
							label: (item) => {
								const bar = bars[item.dataIndex]!;
								const share = first === 0 ? '' : ` · ${m.reports_funnel_of_cohort({ share: formatPercent(bar.reached / first) })}`;
								return `${m.reports_deals_count({ count: bar.reached })}${share}`;
							}
						}
					}
				},
				scales: { x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: m.reports_axis_deals() } } }
			}
		},
		columns: [
			{ key: 'stage', label: m.reports_column_stage() },
			{ key: 'reached', label: m.reports_column_reached(), numeric: true },
			{ key: 'conversion', label: m.reports_column_conversion(), numeric: true }
		],
		rows: bars.map((bar) => ({ stage: bar.name, reached: count().format(bar.reached), conversion: bar.conversion === null ? '—' : formatPercent(bar.conversion) })),
		csvRows: bars.map((bar) => ({ stage: bar.name, reached: bar.reached, conversion: bar.conversion === null ? '' : bar.conversion.toFixed(4) }))
	};
}

export function lostView(lost: LostReport, stages: PipelineStage[]): ReportView {
	const stageName = (id: string | null) => (id === null ? m.reports_unknown_stage() : (stages.find((stage) => stage.id === id)?.name ?? m.reports_unknown_stage()));
	const reasonName = (reason: string | null) => reason ?? m.reports_no_reason();
	const stageIds = lost.byStage.map((entry) => entry.stageId);
	const reasons = lost.byReason.map((entry) => entry.reason);
	return {
		chart: {
			type: 'bar',
			data: {
				labels: stageIds.map(stageName),
				datasets: reasons.map((reason, index) => ({
					label: reasonName(reason),
					data: stageIds.map((stageId) => lost.byStageAndReason.find((pair) => pair.stageId === stageId && pair.reason === reason)?.deals ?? 0),
					backgroundColor: reasonPalette[index % reasonPalette.length],
					borderRadius: 2
				}))
			},
			options: {
				plugins: {
					legend: { position: 'bottom', labels: { boxWidth: 12 } },
					tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${m.reports_deals_count({ count: Number(item.raw) })}` } }
				},
				scales: {
					x: { stacked: true },
					y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: m.reports_axis_deals() } }
				}
			}
		},
		columns: [
			{ key: 'stage', label: m.reports_column_lost_at() },
			{ key: 'reason', label: m.reports_column_reason() },
			{ key: 'deals', label: m.reports_column_deals(), numeric: true }
		],
		rows: lost.byStageAndReason.map((pair) => ({ stage: stageName(pair.stageId), reason: reasonName(pair.reason), deals: count().format(pair.deals) })),
		csvRows: lost.byStageAndReason.map((pair) => ({ stage: stageName(pair.stageId), reason: reasonName(pair.reason), deals: pair.deals }))
	};
}

export function timeView(time: TimeInStage, stages: PipelineStage[]): ReportView {
	const rows = time.stages.filter((stage) => stage.stays > 0);
	return {
		chart: {
			type: 'bar',
			data: {
				labels: rows.map((row) => row.name),
				datasets: [
					{ label: m.reports_column_average(), data: rows.map((row) => row.averageDays ?? 0), backgroundColor: rows.map((row) => colorOf(stages, row.stageId)), borderRadius: 4 },
					{ label: m.reports_column_median(), data: rows.map((row) => row.medianDays ?? 0), backgroundColor: rows.map((row) => `${colorOf(stages, row.stageId)}80`), borderRadius: 4 }
				]
			},
			options: {
				plugins: {
					legend: { position: 'bottom', labels: { boxWidth: 12 } },
					tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatDays(Number(item.raw))}` } }
				},
				scales: { y: { beginAtZero: true, title: { display: true, text: m.reports_axis_days() } } }
			}
		},
		columns: [
			{ key: 'stage', label: m.reports_column_stage() },
			{ key: 'stays', label: m.reports_column_stays(), numeric: true },
			{ key: 'average', label: m.reports_column_average(), numeric: true },
			{ key: 'median', label: m.reports_column_median(), numeric: true }
		],
		rows: rows.map((row) => ({ stage: row.name, stays: count().format(row.stays), average: formatDays(row.averageDays), median: formatDays(row.medianDays) })),
		csvRows: rows.map((row) => ({ stage: row.name, stays: row.stays, average: row.averageDays, median: row.medianDays }))
	};
}

export function forecastCurrencies(forecast: Forecast): string[] {
	return [...new Set(forecast.months.map((row) => row.currency))].sort();
}

export function forecastView(forecast: Forecast, currency: string): ReportView {
	const shown = forecast.months.filter((row) => row.currency === currency);
	return {
		chart: {
			type: 'bar',
			data: {
				labels: shown.map((row) => formatMonth(row.month)),
				datasets: [
					{ label: m.reports_column_weighted(), data: shown.map((row) => row.weightedMinor), backgroundColor: '#6366f1', borderRadius: 4 },
					{ label: m.reports_column_open_value(), data: shown.map((row) => row.openMinor), backgroundColor: '#6366f140', borderRadius: 4 }
				]
			},
			options: {
				plugins: {
					legend: { position: 'bottom', labels: { boxWidth: 12 } },
					tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatMoney(Number(item.raw), currency)}` } }
				},
				scales: {
					y: { beginAtZero: true, ticks: { callback: (value) => formatMoney(Number(value), currency, true) }, title: { display: true, text: currency } }
				}
			}
		},
		columns: [
			{ key: 'month', label: m.reports_column_close_month() },
			{ key: 'currency', label: m.reports_column_currency() },
			{ key: 'deals', label: m.reports_column_deals(), numeric: true },
			{ key: 'open', label: m.reports_column_open_value(), numeric: true },
			{ key: 'weighted', label: m.reports_column_weighted(), numeric: true }
		],
		rows: forecast.months.map((row) => ({
			month: formatMonth(row.month),
			currency: row.currency,
			deals: count().format(row.deals),
			open: formatMoney(row.openMinor, row.currency),
			weighted: formatMoney(row.weightedMinor, row.currency)
		})),
		csvRows: forecast.months.map((row) => ({ month: row.month ?? '', currency: row.currency, deals: row.deals, open: major(row.openMinor, row.currency), weighted: major(row.weightedMinor, row.currency) }))
	};
}

type Figures = Results['reps'][number]['month'];

function revenueIn(figures: Figures, currency: string): number {
	return figures.revenue.find((entry) => entry.currency === currency)?.revenueMinor ?? 0;
}

function revenueText(figures: Figures): string {
	return figures.revenue.length === 0 ? '—' : figures.revenue.map((entry) => formatMoney(entry.revenueMinor, entry.currency)).join(' + ');
}

export function resultsView(results: Results): ReportView {
	return {
		chart: {
			type: 'bar',
			data: {
				labels: results.reps.map((rep) => rep.name),
				datasets: [
					{ label: m.reports_results_target(), data: results.reps.map((rep) => rep.target?.wonDeals ?? 0), backgroundColor: '#94a3b8', borderRadius: 4 },
					{ label: m.reports_results_this_month(), data: results.reps.map((rep) => rep.month.wonDeals), backgroundColor: '#16a34a', borderRadius: 4 },
					{ label: m.reports_results_previous_month(), data: results.reps.map((rep) => rep.previousMonth.wonDeals), backgroundColor: '#0ea5e9', borderRadius: 4 },
					{ label: m.reports_results_last_year(), data: results.reps.map((rep) => rep.lastYear.wonDeals), backgroundColor: '#a855f7', borderRadius: 4 }
				]
			},
			options: {
				plugins: {
					legend: { position: 'bottom', labels: { boxWidth: 12 } },
					tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${m.reports_won_count({ count: Number(item.raw) })}` } }
				},
				scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: m.reports_axis_won_deals() } } }
			}
		},
		columns: [
			{ key: 'rep', label: m.reports_column_rep() },
			{ key: 'won', label: m.reports_column_won_target(), numeric: true },
			{ key: 'revenue', label: m.reports_column_revenue_target(), numeric: true },
			{ key: 'previous', label: m.reports_results_previous_month(), numeric: true },
			{ key: 'lastYear', label: m.reports_results_last_year(), numeric: true }
		],
		rows: results.reps.map((rep) => ({
			rep: rep.name,
			won: rep.target ? `${count().format(rep.month.wonDeals)} / ${count().format(rep.target.wonDeals)}` : count().format(rep.month.wonDeals),
			revenue: rep.target
				? `${formatMoney(revenueIn(rep.month, rep.target.currency), rep.target.currency)} / ${formatMoney(rep.target.revenueMinor, rep.target.currency)}` +
					(rep.target.revenueMinor > 0 ? ` (${formatPercent(revenueIn(rep.month, rep.target.currency) / rep.target.revenueMinor)})` : '')
				: revenueText(rep.month),
			previous: `${count().format(rep.previousMonth.wonDeals)} · ${revenueText(rep.previousMonth)}`,
			lastYear: `${count().format(rep.lastYear.wonDeals)} · ${revenueText(rep.lastYear)}`
		})),
		csvRows: results.reps.flatMap((rep) => {
			const currencies = [...new Set([rep.target?.currency, ...[rep.month, rep.previousMonth, rep.lastYear].flatMap((figures) => figures.revenue.map((entry) => entry.currency))].filter((c): c is string => Boolean(c)))];
			return (currencies.length > 0 ? currencies : ['']).map((currency) => ({
				rep: rep.name,
				won: rep.month.wonDeals,
				revenue: currency ? major(revenueIn(rep.month, currency), currency) : '',
				previous: rep.previousMonth.wonDeals,
				lastYear: rep.lastYear.wonDeals,
				currency,
				targetWon: rep.target?.wonDeals ?? '',
				targetRevenue: rep.target && rep.target.currency === currency ? major(rep.target.revenueMinor, currency) : ''
			}));
		})
	};
}

const activityColumns = [
	['tasksCompleted', m.reports_activity_tasks, '#16a34a'],
	['stageMoves', m.reports_activity_moves, '#6366f1'],
	['calls', m.reports_activity_calls, '#0ea5e9'],
	['notes', m.reports_activity_notes, '#f59e0b'],
	['emails', m.reports_activity_emails, '#a855f7'],
	['meetings', m.reports_activity_meetings, '#db2777'],
	['dealsCreated', m.reports_activity_deals, '#64748b'],
	['contactsCreated', m.reports_activity_contacts, '#94a3b8']
] as const;

export function activityView(activity: Activity): ReportView {
	return {
		chart: {
			type: 'bar',
			data: {
				labels: activity.reps.map((rep) => rep.name),
				datasets: activityColumns.map(([key, label, color]) => ({ label: label(), data: activity.reps.map((rep) => rep[key]), backgroundColor: color, borderRadius: 2 }))
			},
			options: {
				plugins: {
					legend: { position: 'bottom', labels: { boxWidth: 12 } },
					tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${count().format(Number(item.raw))}` } }
				},
				scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } }
			}
		},
		columns: [{ key: 'rep', label: m.reports_column_rep() }, ...activityColumns.map(([key, label]) => ({ key, label: label(), numeric: true }))],
		rows: activity.reps.map((rep) => ({ rep: rep.name, ...Object.fromEntries(activityColumns.map(([key]) => [key, count().format(rep[key])])) })),
		csvRows: activity.reps.map((rep) => ({ rep: rep.name, ...Object.fromEntries(activityColumns.map(([key]) => [key, rep[key]])) }))
	};
}

const dynamicsSeries = [
	['newDeals', m.reports_dynamics_new_deals, '#6366f1'],
	['tasksCompleted', m.reports_activity_tasks, '#16a34a'],
	['contactsCreated', m.reports_activity_contacts, '#f59e0b']
] as const;

export function dynamicsView(dynamics: Dynamics): ReportView {
	const short = new Intl.DateTimeFormat(getLocale(), { day: 'numeric', month: 'short', timeZone: 'UTC' });
	const label = (date: string) => (dynamics.by === 'week' ? m.reports_dynamics_week_of({ date: formatDay(date) }) : formatDay(date));
	const any = dynamics.points.some((point) => point.newDeals + point.tasksCompleted + point.contactsCreated > 0);
	return {
		chart: {
			type: 'bar',
			data: {
				labels: dynamics.points.map((point) => short.format(new Date(`${point.date}T00:00:00Z`))),
				datasets: dynamicsSeries.map(([key, name, color]) => ({ label: name(), data: dynamics.points.map((point) => point[key]), backgroundColor: color, borderRadius: 2 }))
			},
			options: {
				plugins: {
					legend: { position: 'bottom', labels: { boxWidth: 12 } },
					tooltip: {
						callbacks: {
							title: (items) => label(dynamics.points[items[0]?.dataIndex ?? 0]?.date ?? ''),
							label: (item) => `${item.dataset.label}: ${count().format(Number(item.raw))}`
						}
					}
				},
				scales: { x: { ticks: { maxRotation: 0, autoSkipPadding: 8 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
			}
		},
		columns: [
			{ key: 'date', label: dynamics.by === 'week' ? m.reports_dynamics_column_week() : m.reports_dynamics_column_day() },
			...dynamicsSeries.map(([key, name]) => ({ key, label: name(), numeric: true }))
		],
		rows: any ? dynamics.points.map((point) => ({ date: formatDay(point.date), ...Object.fromEntries(dynamicsSeries.map(([key]) => [key, count().format(point[key])])) })) : [],
		csvRows: dynamics.points.map((point) => ({ date: point.date, ...Object.fromEntries(dynamicsSeries.map(([key]) => [key, point[key]])) }))
	};
}

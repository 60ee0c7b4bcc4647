import type { ScheduledJob } from '../jobs/scheduler.js';
import { detectCustomersAtRisk } from './at-risk.js';
import { createBirthdayTasks } from './birthday.js';
import { runCheckIns } from './check-in.js';
import { escalateOverdueTasks } from './escalation.js';
import { promoteCustomers } from './status-promotion.js';

/**
 * The workspaces' scheduled processes, as scheduler jobs. Promotion runs
 * before at-risk detection: a customer made by this run's won deals is
 * looked at in the same run.
 */
export const processJobs: ScheduledJob[] = [
	{ name: 'status-promotion', run: promoteCustomers },
	{ name: 'check-in', run: runCheckIns },
	{ name: 'at-risk', run: detectCustomersAtRisk },
	{ name: 'escalation', run: escalateOverdueTasks },
	{ name: 'birthday', run: createBirthdayTasks }
];

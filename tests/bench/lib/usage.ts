// CPU and memory of a process from /proc, sampled while a run lasts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | null = null;
function clockTicks(): number {
	if (ticksPerSecond === null) {
		try {
			ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
		} catch {
			ticksPerSecond = 100;
		}
	}
	return ticksPerSecond;
}

/** CPU seconds used so far (user + system, all threads) and resident memory now; null once it is gone. */
export function readUsage(pid: number): { cpuSeconds: number; rssBytes: number } | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name may hold spaces: the fields start after its closing parenthesis.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const utime = Number(fields[11]);
		const stime = Number(fields[12]);
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const rss = /VmRSS:\s+(\d+) kB/.exec(status);
		return { cpuSeconds: (utime + stime) / clockTicks(), rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
	} catch {
		return null;
	}
}

export interface UsageWindow {
	/** CPU as a fraction of one core over the window (1 = a full core). */
	cpu: number;
	rssPeakMB: number;
	rssEndMB: number;
	seconds: number;
}

/**
 * Starts watching a process: `end()` gives its CPU over the window (from
 * the /proc counters at both ends, so nothing is missed between samples)
 * and its peak RSS (sampled every `everyMs`).
 */
export function watchUsage(pid: number, everyMs = 250): { end(): UsageWindow } {
	const start = readUsage(pid);
	const startedAt = performance.now();
	let peak = start?.rssBytes ?? 0;
	const timer = setInterval(() => {
		const now = readUsage(pid);
		if (now) peak = Math.max(peak, now.rssBytes);
	}, everyMs);
	timer.unref();
	return {
		end: () => {
			clearInterval(timer);
			const last = readUsage(pid);
			const seconds = (performance.now() - startedAt) / 1000;
			if (last) peak = Math.max(peak, last.rssBytes);
			const cpu = start && last && seconds > 0 ? (last.cpuSeconds - start.cpuSeconds) / seconds : Number.NaN;
			return { cpu, rssPeakMB: peak / 2 ** 20, rssEndMB: (last?.rssBytes ?? Number.NaN) / 2 ** 20, seconds };
		}
	};
}

import type { ApiUsageView } from '@lsp/contracts';
import type { ChartSeries } from '../../shared/ui/line-chart-config';

const DAY_MS = 86_400_000;

const STATUS_CLASS_COLORS: Record<string, string> = {
  '2xx': '#1b7f43',
  '3xx': '#6a1b9a',
  '4xx': '#8a5a00',
  '5xx': '#c62828',
};

export interface UsageCharts {
  calls: ChartSeries[];
  statusClasses: ChartSeries[];
  p95: ChartSeries[];
  /** The window every chart spans (UTC midnights, epoch ms), so a quiet day sits where it belongs. */
  xMin: number;
  xMax: number;
}

/** UTC midnight of an ISO date or instant. */
export function utcDay(value: string): number {
  const t = Date.parse(value);
  return t - (((t % DAY_MS) + DAY_MS) % DAY_MS);
}

/** The UTC days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number[] {
  const days: number[] = [];
  for (let day = utcDay(from), last = utcDay(to); day <= last; day += DAY_MS) {
    days.push(day);
  }
  return days;
}

/**
 * Chart series for the usage view: the API lists only days that had calls, so the missing ones are filled in —
 * with 0 calls (nobody called), but with no p95 (there is no latency of zero calls: a gap, not a zero).
 */
export function usageCharts(usage: ApiUsageView): UsageCharts {
  const days = daysBetween(usage.from, usage.to);
  const byDay = new Map(usage.days.map((d) => [utcDay(d.day), d]));
  const classes = new Set<string>();
  for (const day of usage.days) {
    Object.keys(day.byStatusClass).forEach((c) => classes.add(c));
  }
  const sortedClasses = [...classes].sort();
  return {
    calls: [{ label: 'Calls', points: days.map((x) => ({ x, y: byDay.get(x)?.calls ?? 0 })) }],
    statusClasses: sortedClasses.map((statusClass) => ({
      label: statusClass,
      color: STATUS_CLASS_COLORS[statusClass],
      points: days.map((x) => ({ x, y: byDay.get(x)?.byStatusClass[statusClass] ?? 0 })),
    })),
    p95: [{ label: 'p95 latency (ms)', points: days.map((x) => ({ x, y: byDay.get(x)?.p95LatencyMs ?? null })) }],
    xMin: days[0] ?? utcDay(usage.from),
    xMax: days[days.length - 1] ?? utcDay(usage.to),
  };
}

/** The share of calls in a status class, as a whole percentage for the summary line. */
export function statusClassShare(usage: ApiUsageView, statusClass: string): number {
  if (usage.totalCalls === 0) {
    return 0;
  }
  return Math.round(((usage.byStatusClass[statusClass] ?? 0) * 100) / usage.totalCalls);
}

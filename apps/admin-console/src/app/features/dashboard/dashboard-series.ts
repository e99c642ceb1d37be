import type { AnalyticsOverview } from '@lsp/contracts';
import type { ChartSeries } from '../../shared/ui/charts/line-chart-config';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The start of every bucket the overview covers, oldest first. The API counts a bucket when its hour starts in
 * `[from, to)` and returns only buckets with payments, so quiet hours must be added back as zeros — otherwise a
 * chart draws a straight line across an outage. Day buckets are UTC days (the API truncates in UTC).
 */
export function bucketStarts(from: string, to: string, granularity: 'hour' | 'day'): number[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
    return [];
  }
  const firstHour = Math.ceil(start / HOUR_MS) * HOUR_MS;
  const step = granularity === 'day' ? DAY_MS : HOUR_MS;
  const first = granularity === 'day' ? Math.floor(firstHour / DAY_MS) * DAY_MS : firstHour;
  const starts: number[] = [];
  for (let at = first; at < end; at += step) {
    starts.push(at);
  }
  return starts;
}

/** Payments, captured and failed per bucket, all currencies together (a count has no currency). */
export function countSeries(overview: AnalyticsOverview): ChartSeries[] {
  const buckets = bucketStarts(overview.from, overview.to, overview.granularity);
  const sums = new Map<number, { count: number; captured: number; failed: number }>();
  for (const point of overview.series) {
    const at = Date.parse(point.at);
    const sum = sums.get(at) ?? { count: 0, captured: 0, failed: 0 };
    sum.count += point.count;
    sum.captured += point.captured;
    sum.failed += point.failed;
    sums.set(at, sum);
  }
  const line = (
    label: string,
    color: string,
    pick: (s: { count: number; captured: number; failed: number }) => number,
  ) => ({
    label,
    color,
    points: buckets.map((x) => ({ x, y: pick(sums.get(x) ?? { count: 0, captured: 0, failed: 0 }) })),
  });
  return [
    line('Payments', '#1d5bd8', (s) => s.count),
    line('Captured', '#1b7f43', (s) => s.captured),
    line('Failed', '#c62828', (s) => s.failed),
  ];
}

/** Volume per bucket for one currency, in minor units (the chart formats them in the currency). */
export function volumeSeries(overview: AnalyticsOverview, currency: string): ChartSeries[] {
  const buckets = bucketStarts(overview.from, overview.to, overview.granularity);
  const volumes = new Map<number, number>();
  for (const point of overview.series) {
    if (point.currency === currency) {
      const at = Date.parse(point.at);
      volumes.set(at, (volumes.get(at) ?? 0) + point.volume);
    }
  }
  return [
    { label: `Volume (${currency})`, color: '#1d5bd8', points: buckets.map((x) => ({ x, y: volumes.get(x) ?? 0 })) },
  ];
}

/** Every currency with payments in the range, by volume in its own series (most first; ties by code). */
export function seriesCurrencies(overview: AnalyticsOverview): string[] {
  return overview.totals
    .filter((t) => t.count > 0)
    .sort((a, b) => b.count - a.count || a.currency.localeCompare(b.currency))
    .map((t) => t.currency);
}

export interface DashboardKpis {
  /** Payments that reached an outcome, all currencies. */
  payments: number;
  captured: number;
  failed: number;
  cancelled: number;
  /** captured / (captured + failed), as the API defines success rate; null without outcomes. */
  successRate: number | null;
  p95Ms: number | null;
}

export function kpis(overview: AnalyticsOverview): DashboardKpis {
  const byStatus = (status: 'captured' | 'failed' | 'cancelled') =>
    overview.byStatus.filter((s) => s.status === status).reduce((sum, s) => sum + s.count, 0);
  const captured = byStatus('captured');
  const failed = byStatus('failed');
  return {
    payments: overview.totals.reduce((sum, t) => sum + t.count, 0),
    captured,
    failed,
    cancelled: byStatus('cancelled'),
    successRate: captured + failed === 0 ? null : captured / (captured + failed),
    p95Ms: overview.latency.p95Ms,
  };
}

/** Axis label of a bucket start: the hour in the operator's zone, or the UTC day the API bucketed by. */
export function bucketLabel(granularity: 'hour' | 'day', locale?: string): (epochMs: number) => string {
  return granularity === 'day'
    ? (ms) => new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(ms)
    : (ms) => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(ms);
}

/** About `count` evenly spaced bucket starts for the x axis, so ticks sit on whole hours or days. */
export function bucketTicks(overview: AnalyticsOverview, count = 6): number[] {
  const buckets = bucketStarts(overview.from, overview.to, overview.granularity);
  const every = Math.max(1, Math.ceil(buckets.length / count));
  return buckets.filter((_, i) => i % every === 0);
}

import type {
  GatewayHealthEntry,
  GatewayHealthStatus,
  QueueHistoryResponse,
  QueueStatsResponse,
  WorkerView,
} from '@lsp/contracts';
import type { ChartSeries } from '../../shared/ui/charts/line-chart-config';
import type { QueueCountsNow } from '../queues/queue-live';
import { queueDepth } from '../queues/queue-live';

/** One `queue.stats` sample reduced to what the depth chart needs. */
export interface DepthSample {
  at: number;
  depths: Record<string, number>;
}

/** How many live samples the depth chart keeps: 10 minutes at the collector's default 5 s interval. */
export const DEPTH_HISTORY = 120;

/**
 * The depth history after one more sample, oldest first. A sample older than the newest kept is dropped:
 * a replayed message (after a reconnect) must not draw the line backwards in time.
 */
export function appendDepthSample(
  history: readonly DepthSample[],
  at: string,
  queues: readonly Pick<QueueCountsNow, 'name' | 'waiting' | 'delayed'>[],
  max = DEPTH_HISTORY,
): DepthSample[] {
  const time = Date.parse(at);
  const last = history[history.length - 1];
  if (!Number.isFinite(time) || (last && time <= last.at)) {
    return [...history];
  }
  const depths: Record<string, number> = {};
  for (const q of queues) {
    depths[q.name] = queueDepth(q);
  }
  return [...history, { at: time, depths }].slice(-max);
}

/**
 * The depth chart's past, from the collector's stored samples of each queue (`GET /admin/queues/history`),
 * joined with the live samples received since: stored points older than the first live one come first, so a
 * page opened mid-incident shows how the backlog built up, not just what happens from now on.
 */
export function withStoredHistory(
  live: readonly DepthSample[],
  histories: readonly QueueHistoryResponse[],
  max = DEPTH_HISTORY,
): DepthSample[] {
  const firstLive = live[0]?.at ?? Number.POSITIVE_INFINITY;
  const byTime = new Map<number, Record<string, number>>();
  for (const history of histories) {
    for (const point of history.data) {
      const at = Date.parse(point.at);
      if (!Number.isFinite(at) || at >= firstLive) {
        continue;
      }
      const depths = byTime.get(at) ?? {};
      depths[history.queue] = queueDepth(point);
      byTime.set(at, depths);
    }
  }
  const stored = [...byTime.entries()].sort(([a], [b]) => a - b).map(([at, depths]) => ({ at, depths }));
  return [...stored, ...live].slice(-max);
}

/** One line per queue; a queue missing from a sample is a gap, not a zero. */
export function depthSeries(history: readonly DepthSample[]): ChartSeries[] {
  const names = [...new Set(history.flatMap((s) => Object.keys(s.depths)))].sort();
  return names.map((name) => ({
    label: name,
    points: history.map((s) => ({ x: s.at, y: s.depths[name] ?? null })),
  }));
}

/**
 * Completed jobs per minute for the busiest queues (others summed as "other queues", so the legend stays
 * readable), plus every failure of every queue as one line.
 */
export function throughputSeries(stats: QueueStatsResponse, maxLines = 4): ChartSeries[] {
  const totals = stats.data
    .map((q) => ({ q, total: q.completed.reduce((sum, p) => sum + p.count, 0) }))
    .sort((a, b) => b.total - a.total || a.q.queue.localeCompare(b.q.queue));
  const shown = totals.slice(0, maxLines).filter((t) => t.total > 0);
  const rest = totals.filter((t) => !shown.includes(t));
  const minutes = stats.data[0]?.completed.map((p) => Date.parse(p.at)) ?? [];
  const sumAt = (lists: { at: string; count: number }[][], i: number) =>
    lists.reduce((s, l) => s + (l[i]?.count ?? 0), 0);
  const series: ChartSeries[] = shown.map(({ q }) => ({
    label: `${q.queue} completed`,
    points: q.completed.map((p) => ({ x: Date.parse(p.at), y: p.count })),
  }));
  if (rest.length > 0 || shown.length === 0) {
    series.push({
      label: shown.length === 0 ? 'completed' : 'other queues completed',
      points: minutes.map((x, i) => ({
        x,
        y: sumAt(
          rest.map((r) => r.q.completed),
          i,
        ),
      })),
    });
  }
  series.push({
    label: 'failed (all queues)',
    color: '#c62828',
    points: minutes.map((x, i) => ({
      x,
      y: sumAt(
        stats.data.map((q) => q.failed),
        i,
      ),
    })),
  });
  return series;
}

/** `data` of a `gateway.health` message on the `gateway-health` stream (contracts.md). */
export interface GatewayHealthUpdate {
  gatewayId: string;
  code: string;
  status: GatewayHealthStatus;
  previousStatus: GatewayHealthStatus | null;
  circuit: 'closed' | 'open' | 'half_open';
  successRate: number | null;
  p95LatencyMs: number | null;
  attempts: number;
  checkedAt: string;
}

/** A gateway's health as the Monitoring page shows it: the REST entry, then kept live from the stream. */
export type GatewayHealthRow = GatewayHealthEntry;

export function isGatewayHealthUpdate(value: unknown): value is GatewayHealthUpdate {
  const v = value as Partial<GatewayHealthUpdate> | null;
  return !!v && typeof v.gatewayId === 'string' && typeof v.code === 'string' && typeof v.status === 'string';
}

/**
 * Gateway rows after a health message: the gateway's row takes the new figures unless it already shows a later
 * check; a gateway not listed yet (created since the page loaded) is added.
 */
export function applyGatewayHealth(rows: readonly GatewayHealthRow[], update: GatewayHealthUpdate): GatewayHealthRow[] {
  const next: GatewayHealthRow = {
    id: update.gatewayId,
    code: update.code,
    status: update.status,
    successRate: update.successRate,
    p95LatencyMs: update.p95LatencyMs,
    checkedAt: update.checkedAt,
    circuit: update.circuit,
    attempts: update.attempts,
  };
  const current = rows.find((r) => r.id === update.gatewayId);
  if (!current) {
    return [...rows, next].sort((a, b) => a.code.localeCompare(b.code));
  }
  if (current.checkedAt && current.checkedAt > update.checkedAt) {
    return [...rows];
  }
  return rows.map((r) => (r.id === update.gatewayId ? next : r));
}

/** `data` of a `worker.health` message: the whole list, as GET /admin/workers shows it. */
export function isWorkerList(value: unknown): value is { workers: WorkerView[] } {
  const v = value as { workers?: unknown } | null;
  return !!v && Array.isArray(v.workers) && v.workers.every((w) => typeof (w as WorkerView)?.id === 'string');
}

import { Injectable } from '@nestjs/common';
import type { ApiUsageView } from '@lsp/contracts';
import { Database, sql } from '@lsp/persistence';
import { p95FromBuckets } from '@lsp/webhooks';
import { resolveTimeRange } from '../core/http/time-range';

interface UsageRow {
  day: string;
  route: string;
  status_class: string;
  bucket: number;
  calls: string;
}

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 366;

interface Tally {
  calls: number;
  buckets: Map<number, number>;
  byStatusClass: Record<string, number>;
}

function tally(): Tally {
  return { calls: 0, buckets: new Map(), byStatusClass: {} };
}

function add(t: Tally, row: { bucket: number; status_class: string }, calls: number): void {
  t.calls += calls;
  t.buckets.set(row.bucket, (t.buckets.get(row.bucket) ?? 0) + calls);
  t.byStatusClass[row.status_class] = (t.byStatusClass[row.status_class] ?? 0) + calls;
}

/** A merchant's API usage per day and per route, from the flushed counters (up to ~15 s behind). */
@Injectable()
export class UsageService {
  constructor(private readonly db: Database) {}

  async usage(merchantId: string, fromText?: string, toText?: string): Promise<ApiUsageView> {
    const { from, to } = resolveTimeRange(fromText, toText, {
      defaultSpanMs: 30 * DAY_MS,
      maxSpanMs: MAX_RANGE_DAYS * DAY_MS,
      maxSpanText: `${MAX_RANGE_DAYS} days`,
      allowEmpty: true,
    });
    const [fromDay, toDay] = [from.toISOString().slice(0, 10), to.toISOString().slice(0, 10)];
    const rows = await this.db.merchant(merchantId, (em) =>
      sql<UsageRow>(
        em,
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, route, status_class, bucket, calls FROM api_usage
          WHERE merchant_id = $1 AND day BETWEEN $2 AND $3`,
        [merchantId, fromDay, toDay],
      ),
    );
    const total = tally();
    const days = new Map<string, Tally>();
    const routes = new Map<string, Tally>();
    for (const row of rows) {
      const calls = Number(row.calls);
      add(total, row, calls);
      if (!days.has(row.day)) days.set(row.day, tally());
      if (!routes.has(row.route)) routes.set(row.route, tally());
      add(days.get(row.day) as Tally, row, calls);
      add(routes.get(row.route) as Tally, row, calls);
    }
    return {
      object: 'api_usage',
      merchantId,
      from: fromDay,
      to: toDay,
      totalCalls: total.calls,
      p95LatencyMs: p95FromBuckets(total.buckets),
      byStatusClass: total.byStatusClass,
      days: [...days.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, t]) => ({
          day,
          calls: t.calls,
          p95LatencyMs: p95FromBuckets(t.buckets),
          byStatusClass: t.byStatusClass,
        })),
      routes: [...routes.entries()]
        .sort(([, a], [, b]) => b.calls - a.calls)
        .map(([route, t]) => ({
          route,
          calls: t.calls,
          p95LatencyMs: p95FromBuckets(t.buckets),
          byStatusClass: t.byStatusClass,
        })),
    };
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LATENCY_COLUMNS, sql } from '@lsp/persistence';

/** One group of the overview's single pass over the rollups; which keys are set says which group it is. */
export interface OverviewGroupRow {
  grp: 'status' | 'gateway' | 'method' | 'series' | 'all';
  status: string | null;
  currency: string | null;
  gateway: string | null;
  method: string | null;
  period: Date | null;
  count: string;
  amount: string;
  /** Histogram counts, in LATENCY_COLUMNS order (summed over the group). */
  hist: string[];
}

@Injectable()
export class AnalyticsRepository {
  /**
   * Every figure of the overview in one pass over the rollups (GROUPING SETS), so the cost follows the number of
   * rollup rows in the range, never the number of payments.
   */
  overview(
    em: EntityManager,
    q: { from: Date; to: Date; merchantId: string | null; granularity: 'hour' | 'day' },
  ): Promise<OverviewGroupRow[]> {
    const params: unknown[] = [q.from, q.to];
    const param = (value: unknown): string => `$${params.push(value)}`;
    const merchant = q.merchantId ? `AND merchant_id = ${param(q.merchantId)}` : '';
    // Small ints per row, so sum() accumulates in int8 instead of numeric; amounts stay bigint.
    const columns = `count::int AS count, amount, ${LATENCY_COLUMNS.map((c) => `${c}::int AS ${c}`).join(', ')}`;
    let source = `SELECT bucket AS t, gateway, method, status, currency, ${columns}
                    FROM analytics_hourly WHERE bucket >= $1 AND bucket < $2 ${merchant}`;
    const { dayFrom, dayTo } = wholeDays(q.from, q.to);
    if (q.granularity === 'day' && dayFrom < dayTo) {
      // Whole UTC days from the daily rollups, the partial days at either end from the hourly ones.
      const [df, dt] = [param(dayFrom), param(dayTo)];
      source = `SELECT bucket AS t, gateway, method, status, currency, ${columns}
                  FROM analytics_hourly
                 WHERE ((bucket >= $1 AND bucket < ${df}) OR (bucket >= ${dt} AND bucket < $2)) ${merchant}
                UNION ALL
                SELECT day AS t, gateway, method, status, currency, ${columns}
                  FROM analytics_daily WHERE day >= ${df} AND day < ${dt} ${merchant}`;
    }
    // date_bin with a UTC origin: day buckets in UTC whatever the session's time zone.
    const period = q.granularity === 'day' ? `date_bin('1 day', t, timestamptz '2000-01-01 00:00:00+00')` : 't';
    return sql<OverviewGroupRow>(
      em,
      `WITH r AS (${source})
       SELECT CASE GROUPING(status, currency, gateway, method, period)
                WHEN ${mask(['status', 'currency'])} THEN 'status'
                WHEN ${mask(['status', 'gateway'])} THEN 'gateway'
                WHEN ${mask(['status', 'method'])} THEN 'method'
                WHEN ${mask(['status', 'currency', 'period'])} THEN 'series'
                ELSE 'all' END AS grp,
              status, currency, gateway, method, period,
              sum(count)::text AS count, sum(amount)::text AS amount,
              ARRAY[${LATENCY_COLUMNS.map((c) => `sum(${c})`).join(', ')}]::text[] AS hist
         FROM (SELECT ${period} AS period, * FROM r) p
        GROUP BY GROUPING SETS ((status, currency), (status, gateway), (status, method), (status, currency, period), ())`,
      params,
    );
  }
}

const DAY_MS = 86_400_000;

/** The whole UTC days inside [from, to): from the first midnight at or after `from` to the last one at or before `to`. */
export function wholeDays(from: Date, to: Date): { dayFrom: Date; dayTo: Date } {
  return {
    dayFrom: new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS),
    dayTo: new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS),
  };
}

const GROUP_KEYS = ['status', 'currency', 'gateway', 'method', 'period'] as const;

/** GROUPING() bit mask of a grouping set: a bit is 1 for each key NOT grouped on (first key = highest bit). */
function mask(grouped: (typeof GROUP_KEYS)[number][]): number {
  return GROUP_KEYS.reduce((m, key, i) => (grouped.includes(key) ? m : m | (1 << (GROUP_KEYS.length - 1 - i))), 0);
}

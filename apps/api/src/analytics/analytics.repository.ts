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
   * Every figure of the overview in one scan of the hourly rollups (GROUPING SETS), so the cost follows the
   * number of rollup rows in the range, never the number of payments.
   */
  overview(
    em: EntityManager,
    q: { from: Date; to: Date; merchantId: string | null; granularity: 'hour' | 'day' },
  ): Promise<OverviewGroupRow[]> {
    const params: unknown[] = [q.from, q.to];
    let merchantFilter = '';
    if (q.merchantId) {
      params.push(q.merchantId);
      merchantFilter = `AND merchant_id = $${params.length}`;
    }
    const period = q.granularity === 'day' ? `date_trunc('day', bucket, 'UTC')` : 'bucket';
    return sql<OverviewGroupRow>(
      em,
      `WITH r AS (
         SELECT ${period} AS period, gateway, method, status, currency, count, amount, ${LATENCY_COLUMNS.join(', ')}
           FROM analytics_hourly
          WHERE bucket >= $1 AND bucket < $2 ${merchantFilter}
       )
       SELECT CASE GROUPING(status, currency, gateway, method, period)
                WHEN ${mask(['status', 'currency'])} THEN 'status'
                WHEN ${mask(['status', 'gateway'])} THEN 'gateway'
                WHEN ${mask(['status', 'method'])} THEN 'method'
                WHEN ${mask(['status', 'currency', 'period'])} THEN 'series'
                ELSE 'all' END AS grp,
              status, currency, gateway, method, period,
              sum(count)::text AS count, sum(amount)::text AS amount,
              ARRAY[${LATENCY_COLUMNS.map((c) => `sum(${c})`).join(', ')}]::text[] AS hist
         FROM r
        GROUP BY GROUPING SETS ((status, currency), (status, gateway), (status, method), (status, currency, period), ())`,
      params,
    );
  }
}

const GROUP_KEYS = ['status', 'currency', 'gateway', 'method', 'period'] as const;

/** GROUPING() bit mask of a grouping set: a bit is 1 for each key NOT grouped on (first key = highest bit). */
function mask(grouped: (typeof GROUP_KEYS)[number][]): number {
  return GROUP_KEYS.reduce((m, key, i) => (grouped.includes(key) ? m : m | (1 << (GROUP_KEYS.length - 1 - i))), 0);
}

import type { EntityManager } from 'typeorm';
import { sql } from './sql';

/**
 * Upper bounds (ms) of the latency histogram kept per rollup bucket: the `latency_le_<ms>` columns of migration
 * 1764195000000, then `latency_over`. Changing them needs a migration.
 */
export const LATENCY_BUCKETS_MS = [25, 50, 100, 200, 300, 500, 750, 1000, 2000, 5000, 10000] as const;
export const LATENCY_COLUMNS = [...LATENCY_BUCKETS_MS.map((ms) => `latency_le_${ms}`), 'latency_over'];

/** What an outbox event adds to the rollups, or null for events that do not count. */
export interface RollupContribution {
  /** Start of the UTC hour the payment (or refund) was created in. */
  bucket: Date;
  merchantId: string;
  gateway: string;
  method: string;
  status: 'captured' | 'failed' | 'cancelled' | 'refund';
  currency: string;
  amount: number;
  latencyMs: number | null;
}

export interface RollupEvent {
  id: string;
  type: string;
  merchantId: string | null;
  data: { object: Record<string, unknown> };
}

const OUTCOMES: Record<string, RollupContribution['status']> = {
  'payment.captured': 'captured',
  'payment.failed': 'failed',
  'payment.cancelled': 'cancelled',
  'refund.succeeded': 'refund',
};

function hourOf(iso: unknown): Date | null {
  const t = typeof iso === 'string' ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) return null;
  return new Date(Math.floor(t / 3_600_000) * 3_600_000);
}

/**
 * A payment counts once, at its outcome (captured, failed or cancelled), in the hour it was created; a succeeded
 * refund counts in the hour the refund was created. The latency is that of the attempt that decided the outcome
 * (the last one), when the gateway answered at all.
 */
export function rollupContribution(event: RollupEvent): RollupContribution | null {
  const status = OUTCOMES[event.type];
  const o = event.data.object;
  const bucket = hourOf(o['createdAt']);
  const merchantId = event.merchantId ?? (o['merchantId'] as string | undefined);
  if (!status || !bucket || !merchantId || typeof o['amount'] !== 'number' || typeof o['currency'] !== 'string') {
    return null;
  }
  if (status === 'refund') {
    return {
      bucket,
      merchantId,
      gateway: '',
      method: '',
      status,
      currency: o['currency'],
      amount: o['amount'],
      latencyMs: null,
    };
  }
  const attempts = Array.isArray(o['attempts']) ? (o['attempts'] as { latencyMs?: unknown }[]) : [];
  const last = attempts[attempts.length - 1];
  const latencyMs = typeof last?.latencyMs === 'number' && last.latencyMs >= 0 ? Math.round(last.latencyMs) : null;
  return {
    bucket,
    merchantId,
    gateway: typeof o['gateway'] === 'string' ? o['gateway'] : '',
    method: typeof o['method'] === 'string' ? o['method'] : '',
    status,
    currency: o['currency'],
    amount: o['amount'],
    latencyMs,
  };
}

/** Index of the histogram column a latency falls in. */
export function latencyBucketIndex(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

/**
 * Adds one event to the hourly and daily rollups, at most once per event id however often it is delivered: the
 * applied-event row and both bucket upserts are one statement, so either all happen or none.
 * Returns whether it counted.
 */
export async function applyEventToRollups(em: EntityManager, event: RollupEvent): Promise<boolean> {
  const c = rollupContribution(event);
  if (!c) return false;
  const hist = LATENCY_COLUMNS.map((_, i) => (c.latencyMs !== null && latencyBucketIndex(c.latencyMs) === i ? 1 : 0));
  const day = new Date(Math.floor(c.bucket.getTime() / 86_400_000) * 86_400_000);
  const upsert = (table: string, column: string, at: string) => `
    INSERT INTO ${table} (${column}, merchant_id, gateway, method, status, currency, count, amount, latency_count,
                          ${LATENCY_COLUMNS.join(', ')})
    SELECT ${at}, $3, $4, $5, $6, $7, 1, $8, $9, ${LATENCY_COLUMNS.map((_, i) => `$${11 + i}::bigint`).join(', ')}
      FROM applied
    ON CONFLICT (${column}, merchant_id, gateway, method, status, currency) DO UPDATE SET
      count = ${table}.count + 1,
      amount = ${table}.amount + EXCLUDED.amount,
      latency_count = ${table}.latency_count + EXCLUDED.latency_count,
      ${LATENCY_COLUMNS.map((col) => `${col} = ${table}.${col} + EXCLUDED.${col}`).join(', ')}
    RETURNING 1`;
  const rows = await sql(
    em,
    `WITH applied AS (
       INSERT INTO analytics_applied_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id
     ), hourly AS (${upsert('analytics_hourly', 'bucket', '$2::timestamptz')})
     ${upsert('analytics_daily', 'day', '$10::timestamptz')}`,
    [
      event.id,
      c.bucket,
      c.merchantId,
      c.gateway,
      c.method,
      c.status,
      c.currency,
      c.amount,
      c.latencyMs === null ? 0 : 1,
      day,
      ...hist,
    ],
  );
  return rows.length > 0;
}

/** p95 from histogram counts: the upper bound of the bucket holding the 95th percentile (null: no samples). */
export function p95FromHistogram(counts: readonly number[]): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil(total * 0.95);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    // Beyond the last bound the histogram only knows "more than": report that bound.
    if (seen >= rank) return LATENCY_BUCKETS_MS[Math.min(i, LATENCY_BUCKETS_MS.length - 1)];
  }
  return null;
}

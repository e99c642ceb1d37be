import type { EntityManager } from 'typeorm';
import type { GatewayHealthStatus } from '@lsp/domain';
import { sql } from '@lsp/persistence';

export interface WindowFigures {
  gateway_id: string;
  attempts: number;
  failures: number;
  p95_latency_ms: number | null;
}

export interface HealthSample {
  gatewayId: string;
  status: GatewayHealthStatus;
  successRate: number | null;
  p95LatencyMs: number | null;
  attempts: number;
  failures: number;
  errorClasses: Record<string, number>;
  probeOk: boolean;
  probeLatencyMs: number | null;
  probeError: string | null;
}

/*
 * An attempt counts once it has an answer: `unknown` without an error code is a call still in flight. A refusal
 * (`failed_retryable`) or an unanswered call (`unknown` with a code) is the gateway's fault; everything else is the
 * gateway working (libs/domain attemptVerdict). Served by payment_attempts_gateway_idx (gateway_id, created_at).
 */
const FAULT = `(status = 'failed_retryable' OR (status = 'unknown' AND error_code IS NOT NULL))`;
const FINISHED = `(status <> 'unknown' OR error_code IS NOT NULL)`;

/** SQL of the Gateway Health Collector. */
export const gatewayHealthRepository = {
  windowFigures(em: EntityManager, gatewayIds: string[], windowMs: number): Promise<WindowFigures[]> {
    return sql<WindowFigures>(
      em,
      `SELECT gateway_id,
              (count(*) FILTER (WHERE ${FINISHED}))::int AS attempts,
              (count(*) FILTER (WHERE ${FAULT}))::int AS failures,
              round(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms))::int AS p95_latency_ms
         FROM payment_attempts
        WHERE gateway_id = ANY($1) AND created_at > now() - make_interval(secs => $2::float8 / 1000)
        GROUP BY gateway_id`,
      [gatewayIds, windowMs],
    );
  },

  async errorClasses(
    em: EntityManager,
    gatewayIds: string[],
    windowMs: number,
  ): Promise<Map<string, Record<string, number>>> {
    const rows = await sql<{ gateway_id: string; code: string; n: number }>(
      em,
      `SELECT gateway_id, coalesce(error_code, status) AS code, count(*)::int AS n
         FROM payment_attempts
        WHERE gateway_id = ANY($1) AND created_at > now() - make_interval(secs => $2::float8 / 1000) AND ${FAULT}
        GROUP BY 1, 2`,
      [gatewayIds, windowMs],
    );
    const byGateway = new Map<string, Record<string, number>>();
    for (const r of rows) byGateway.set(r.gateway_id, { ...byGateway.get(r.gateway_id), [r.code]: r.n });
    return byGateway;
  },

  /** The current status, locked: two ticks that overlap (a slow one) see each other's change, never the same one. */
  async lockStatus(em: EntityManager, gatewayId: string): Promise<GatewayHealthStatus | undefined> {
    const rows = await sql<{ health_status: GatewayHealthStatus }>(
      em,
      `SELECT health_status FROM gateways WHERE id = $1 FOR UPDATE`,
      [gatewayId],
    );
    return rows[0]?.health_status;
  },

  async record(em: EntityManager, s: HealthSample): Promise<Date> {
    const rows = await sql<{ at: Date }>(
      em,
      `INSERT INTO gateway_health_samples
         (gateway_id, status, success_rate, p95_latency_ms, attempts, failures, error_classes, probe_ok,
          probe_latency_ms, probe_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING at`,
      [
        s.gatewayId,
        s.status,
        s.successRate,
        s.p95LatencyMs,
        s.attempts,
        s.failures,
        JSON.stringify(s.errorClasses),
        s.probeOk,
        s.probeLatencyMs,
        s.probeError,
      ],
    );
    const at = rows[0].at;
    await sql(
      em,
      `UPDATE gateways SET health_status = $2, health_checked_at = $3, health_success_rate = $4,
              health_p95_latency_ms = $5, health_attempts = $6
        WHERE id = $1`,
      [s.gatewayId, s.status, at, s.successRate, s.p95LatencyMs, s.attempts],
    );
    return at;
  },
};

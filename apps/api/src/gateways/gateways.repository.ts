import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { GatewayHealthStatus, GatewayProviderName } from '@lsp/contracts';
import { sql } from '@lsp/persistence';

export interface GatewayRow {
  id: string;
  code: string;
  name: string;
  provider: GatewayProviderName;
  priority: number;
  enabled: boolean;
  currencies: string[];
  methods: string[];
  config: Record<string, unknown>;
  secrets_encrypted: string;
  health_status: GatewayHealthStatus;
  health_checked_at: Date | null;
  health_success_rate: number | null;
  health_p95_latency_ms: number | null;
  health_attempts: number;
  deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface GatewayStats {
  gateway_id: string;
  success_rate: number | null;
  p95_latency_ms: number | null;
}

export interface HealthSampleRow {
  at: Date;
  status: GatewayHealthStatus;
  success_rate: number | null;
  p95_latency_ms: number | null;
  attempts: number;
  failures: number;
  probe_latency_ms: number | null;
  probe_error: string | null;
}

export type GatewayWrite = Pick<
  GatewayRow,
  'code' | 'name' | 'priority' | 'enabled' | 'currencies' | 'methods' | 'config' | 'secrets_encrypted'
>;

/** SQL of the gateways context. Soft-deleted rows stay (old attempts reference them) but are invisible here. */
@Injectable()
export class GatewaysRepository {
  list(em: EntityManager): Promise<GatewayRow[]> {
    return sql<GatewayRow>(em, `SELECT * FROM gateways WHERE deleted_at IS NULL ORDER BY priority, code`);
  }

  async find(em: EntityManager, id: string, forUpdate = false): Promise<GatewayRow | undefined> {
    const rows = await sql<GatewayRow>(
      em,
      `SELECT * FROM gateways WHERE id = $1 AND deleted_at IS NULL ${forUpdate ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  }

  /** Every live gateway, locked in id order (a fixed order, so two bulk updates cannot deadlock). */
  lockAll(em: EntityManager): Promise<GatewayRow[]> {
    return sql<GatewayRow>(em, `SELECT * FROM gateways WHERE deleted_at IS NULL ORDER BY id FOR UPDATE`);
  }

  async codeTaken(em: EntityManager, code: string, exceptId: string | null = null): Promise<boolean> {
    const rows = await sql(
      em,
      `SELECT 1 FROM gateways WHERE code = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR id <> $2)`,
      [code, exceptId],
    );
    return rows.length > 0;
  }

  async insert(
    em: EntityManager,
    id: string,
    g: GatewayWrite & { provider: GatewayProviderName },
  ): Promise<GatewayRow> {
    const rows = await sql<GatewayRow>(
      em,
      `INSERT INTO gateways (id, code, name, provider, priority, enabled, currencies, methods, config, secrets_encrypted)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [
        id,
        g.code,
        g.name,
        g.provider,
        g.priority,
        g.enabled,
        g.currencies,
        g.methods,
        JSON.stringify(g.config),
        g.secrets_encrypted,
      ],
    );
    return rows[0];
  }

  async update(em: EntityManager, id: string, g: GatewayWrite): Promise<GatewayRow> {
    const rows = await sql<GatewayRow>(
      em,
      `UPDATE gateways SET code = $2, name = $3, priority = $4, enabled = $5, currencies = $6, methods = $7,
              config = $8, secrets_encrypted = $9, updated_at = now()
        WHERE id = $1 RETURNING *`,
      [
        id,
        g.code,
        g.name,
        g.priority,
        g.enabled,
        g.currencies,
        g.methods,
        JSON.stringify(g.config),
        g.secrets_encrypted,
      ],
    );
    return rows[0];
  }

  async setPriority(em: EntityManager, id: string, priority: number): Promise<GatewayRow> {
    const rows = await sql<GatewayRow>(
      em,
      `UPDATE gateways SET priority = $2, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, priority],
    );
    return rows[0];
  }

  async softDelete(em: EntityManager, id: string): Promise<GatewayRow> {
    const rows = await sql<GatewayRow>(
      em,
      `UPDATE gateways SET deleted_at = now(), enabled = false, updated_at = now() WHERE id = $1 RETURNING *`,
      [id],
    );
    return rows[0];
  }

  /** A payment still open (created/pending) whose routing touched this gateway: its callback or status query needs it. */
  async hasPaymentsInFlight(em: EntityManager, id: string): Promise<boolean> {
    const rows = await sql(
      em,
      `SELECT 1 FROM payments p
        WHERE p.status IN ('created', 'pending')
          AND (p.gateway_id = $1 OR EXISTS (SELECT 1 FROM payment_attempts a WHERE a.payment_id = p.id AND a.gateway_id = $1))
        LIMIT 1`,
      [id],
    );
    return rows.length > 0;
  }

  /** Success share of finished attempts and p95 latency per gateway over the last 15 minutes. */
  stats(em: EntityManager, ids: string[]): Promise<GatewayStats[]> {
    if (!ids.length) return Promise.resolve([]);
    return sql<GatewayStats>(
      em,
      `SELECT gateway_id,
              (count(*) FILTER (WHERE status = 'succeeded'))::float8
                / nullif(count(*) FILTER (WHERE status IN ('succeeded', 'failed_permanent', 'failed_retryable')), 0)
                AS success_rate,
              round(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms))::int AS p95_latency_ms
         FROM payment_attempts
        WHERE gateway_id = ANY($1) AND created_at > now() - interval '15 minutes'
        GROUP BY gateway_id`,
      [ids],
    );
  }

  /**
   * Health samples of one gateway in [from, to), oldest first, folded into buckets of `bucketMs` so a long range
   * stays a chart-sized answer: each point is the worst status of its bucket with its worst figures.
   */
  healthHistory(
    em: EntityManager,
    gatewayId: string,
    from: Date,
    to: Date,
    bucketMs: number,
  ): Promise<HealthSampleRow[]> {
    return sql<HealthSampleRow>(
      em,
      `SELECT min(at) AS at,
              (array_agg(status ORDER BY CASE status WHEN 'down' THEN 0 WHEN 'degraded' THEN 1 ELSE 2 END, at))[1] AS status,
              min(success_rate) AS success_rate,
              max(p95_latency_ms) AS p95_latency_ms,
              max(attempts) AS attempts,
              max(failures) AS failures,
              max(probe_latency_ms) AS probe_latency_ms,
              (array_agg(probe_error ORDER BY at DESC) FILTER (WHERE probe_error IS NOT NULL))[1] AS probe_error
         FROM gateway_health_samples
        WHERE gateway_id = $1 AND at >= $2 AND at < $3
        GROUP BY date_bin(make_interval(secs => $4::float8 / 1000), at, $2::timestamptz)
        ORDER BY 1`,
      [gatewayId, from, to, bucketMs],
    );
  }

  /** Gateways (soft-deleted ones too: they still hold secrets) sealed under another key than `keyVersion`. */
  async sealedUnderOtherKeys(em: EntityManager, keyVersion: string): Promise<number> {
    const rows = await sql<{ n: number }>(
      em,
      `SELECT count(*)::int AS n FROM gateways WHERE split_part(secrets_encrypted, ':', 1) <> $1`,
      [keyVersion],
    );
    return rows[0].n;
  }
}

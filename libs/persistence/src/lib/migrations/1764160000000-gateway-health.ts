import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gateway health (and the lookup of the Razorpay checkout page): the collector's latest figures on the gateway row (what routing and the gateway views read)
 * and one sample per gateway per tick (the console's chart). Samples are platform data, pruned by `at`.
 */
export class GatewayHealth1764160000000 implements MigrationInterface {
  name = 'GatewayHealth1764160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE gateways
        ADD COLUMN health_success_rate double precision CHECK (health_success_rate BETWEEN 0 AND 1),
        ADD COLUMN health_p95_latency_ms integer CHECK (health_p95_latency_ms >= 0),
        ADD COLUMN health_attempts integer NOT NULL DEFAULT 0 CHECK (health_attempts >= 0)`);

    await q.query(`
      CREATE TABLE gateway_health_samples (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        gateway_id text NOT NULL REFERENCES gateways(id),
        at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL CHECK (status IN ('healthy', 'degraded', 'down')),
        success_rate double precision CHECK (success_rate BETWEEN 0 AND 1),
        p95_latency_ms integer CHECK (p95_latency_ms >= 0),
        attempts integer NOT NULL CHECK (attempts >= 0),
        failures integer NOT NULL CHECK (failures >= 0 AND failures <= attempts),
        -- failed attempts of the window by error code, e.g. {"gateway_unavailable": 3}
        error_classes jsonb NOT NULL DEFAULT '{}',
        probe_ok boolean NOT NULL,
        probe_latency_ms integer CHECK (probe_latency_ms >= 0),
        probe_error text CHECK (length(probe_error) <= 100)
      )`);
    // The history endpoint reads one gateway over a time range; retention deletes by age.
    await q.query(`CREATE INDEX gateway_health_samples_gateway_at_idx ON gateway_health_samples (gateway_id, at)`);
    await q.query(`CREATE INDEX gateway_health_samples_at_idx ON gateway_health_samples (at)`);
    // The Razorpay checkout page finds its payment by the order id the attempt recorded.
    await q.query(
      `CREATE INDEX payment_attempts_reference_idx ON payment_attempts (gateway_reference) WHERE gateway_reference IS NOT NULL`,
    );
    // DELETE: the data-retention cleaner prunes old samples as lsp_app.
    await q.query(`GRANT SELECT, INSERT, DELETE ON gateway_health_samples TO lsp_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway_health_samples`);
    await q.query(`DROP INDEX payment_attempts_reference_idx`);
    await q.query(
      `ALTER TABLE gateways DROP COLUMN health_success_rate, DROP COLUMN health_p95_latency_ms, DROP COLUMN health_attempts`,
    );
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for two scans that otherwise read whole tables: the workers' orphaned-payment sweep (pending payments
 * with neither a retry nor a status check scheduled) and the gateway health figures over recent attempts.
 */
export class PaymentScanIndexes1764150000000 implements MigrationInterface {
  name = 'PaymentScanIndexes1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX payments_orphan_idx ON payments (updated_at) WHERE status = 'pending' AND next_retry_at IS NULL AND stale_check_at IS NULL`,
    );
    await q.query(`CREATE INDEX payment_attempts_gateway_idx ON payment_attempts (gateway_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payment_attempts_gateway_idx`);
    await q.query(`DROP INDEX payments_orphan_idx`);
  }
}

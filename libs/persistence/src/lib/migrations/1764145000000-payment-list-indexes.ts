import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin payment list filters across merchants by status and by creation time. Per merchant the existing
 * (merchant_id, id) and (merchant_id, status, id) indexes serve; without a merchant, (status, id) keeps
 * `WHERE status = $1 ORDER BY id DESC LIMIT n` an index range scan, and created_at bounds a date range.
 */
export class PaymentListIndexes1764145000000 implements MigrationInterface {
  name = 'PaymentListIndexes1764145000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX payments_status_idx ON payments (status, id)`);
    await q.query(`CREATE INDEX payments_created_at_idx ON payments (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payments_created_at_idx, payments_status_idx`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A release the ledger refuses (the pending wallet cannot give what the capture left in it: only possible after a
 * hand-made journal drained it) is held instead of failing its batch, which used to hold back every other
 * merchant's releases behind it. The row keeps its place in the queue with the refusal and the time it is tried
 * again; an alert names the payment.
 */
export class PendingReleaseRefusals1764310000000 implements MigrationInterface {
  name = 'PendingReleaseRefusals1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_pending_releases ADD COLUMN retry_after timestamptz, ADD COLUMN refusal text`);
    await q.query(`GRANT UPDATE (retry_after, refusal) ON ledger_pending_releases TO lsp_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE UPDATE (retry_after, refusal) ON ledger_pending_releases FROM lsp_app`);
    await q.query(`ALTER TABLE ledger_pending_releases DROP COLUMN retry_after, DROP COLUMN refusal`);
  }
}

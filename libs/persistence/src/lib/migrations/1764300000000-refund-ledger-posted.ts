import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marks each refund when its reversal journal is posted, so that the refunds the ledger has not taken back yet
 * (pending at the gateway, or succeeded and waiting for their journal) are one partial-index range per merchant
 * and currency. A refund request counts them against the merchant's wallet (refund-cover.ts); without the mark
 * it had to probe the journals for every refund the merchant ever made (about 1 s per request at 200,000).
 *
 * Set by a trigger on the journal's INSERT, so every path that posts a refund journal (the posting consumer,
 * batched postings, tests) keeps it, in the posting's own transaction: a journal rolled back unmarks nothing.
 */
export class RefundLedgerPosted1764300000000 implements MigrationInterface {
  name = 'RefundLedgerPosted1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refunds ADD COLUMN ledger_posted_at timestamptz`);
    await q.query(
      `UPDATE refunds r SET ledger_posted_at = j.posted_at
         FROM ledger_journals j WHERE j.type = 'refund' AND j.refund_id = r.id`,
    );
    await q.query(
      `CREATE INDEX refunds_unposted_idx ON refunds (merchant_id, currency)
        WHERE status IN ('pending', 'succeeded') AND ledger_posted_at IS NULL`,
    );
    // SECURITY DEFINER: the posting may run in any scope; row-level security must not hide the refund it marks.
    await q.query(`
      CREATE FUNCTION refunds_mark_ledger_posted() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        UPDATE refunds SET ledger_posted_at = NEW.posted_at WHERE id = NEW.refund_id;
        RETURN NULL;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION refunds_mark_ledger_posted() FROM PUBLIC`);
    await q.query(`
      CREATE TRIGGER refunds_mark_ledger_posted AFTER INSERT ON ledger_journals
        FOR EACH ROW WHEN (NEW.type = 'refund' AND NEW.refund_id IS NOT NULL)
        EXECUTE FUNCTION refunds_mark_ledger_posted()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER refunds_mark_ledger_posted ON ledger_journals`);
    await q.query(`DROP FUNCTION refunds_mark_ledger_posted()`);
    await q.query(`DROP INDEX refunds_unposted_idx`);
    await q.query(`ALTER TABLE refunds DROP COLUMN ledger_posted_at`);
  }
}

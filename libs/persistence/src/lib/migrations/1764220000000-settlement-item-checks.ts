import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settling 1,000,000 items spent about half its time in the per-row foreign-key checks of `settlement_items`:
 * each is one index lookup plus a row lock (FOR KEY SHARE) on the referenced row, per item. Three of the five
 * reference nothing the item does not already reach through its source journal: `merchant_id`, `payment_id` and
 * `refund_id` are copies of the journal's own columns, and the journal's foreign keys already guarantee that
 * merchant, payment and refund exist (journals are append-only, so they keep existing).
 *
 * So those three foreign keys go, and one set-based check per INSERT statement takes their place: every item's
 * copies must equal its source journal's (one join over the statement's new rows instead of three lookups and
 * locks per row). That is stronger than what it replaces (an item can no longer name a payment other than its
 * journal's). The foreign keys that carry the invariants stay: `source_journal_id` (with its UNIQUE: settled once)
 * and `settlement_id`.
 */
export class SettlementItemChecks1764220000000 implements MigrationInterface {
  name = 'SettlementItemChecks1764220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE settlement_items DROP CONSTRAINT settlement_items_merchant_id_fkey,
                                   DROP CONSTRAINT settlement_items_payment_id_fkey,
                                   DROP CONSTRAINT settlement_items_refund_id_fkey`,
    );
    // SECURITY DEFINER: the check must see the journal whatever scope the inserting transaction runs in (RLS
    // would hide another merchant's journal from a merchant-scoped insert, and a hidden mismatch would pass).
    await q.query(`
      CREATE FUNCTION settlement_items_match_journals() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        bad text;
      BEGIN
        SELECT n.source_journal_id INTO bad
          FROM settlement_items_new n JOIN ledger_journals j ON j.id = n.source_journal_id
         WHERE (n.merchant_id, n.payment_id, n.refund_id) IS DISTINCT FROM (j.merchant_id, j.payment_id, j.refund_id)
         LIMIT 1;
        IF bad IS NOT NULL THEN
          RAISE EXCEPTION 'settlement item of journal % does not copy that journal''s merchant, payment and refund', bad
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION settlement_items_match_journals() FROM PUBLIC`);
    await q.query(`
      CREATE TRIGGER settlement_items_match_journals AFTER INSERT ON settlement_items
        REFERENCING NEW TABLE AS settlement_items_new
        FOR EACH STATEMENT EXECUTE FUNCTION settlement_items_match_journals()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER settlement_items_match_journals ON settlement_items`);
    await q.query(`DROP FUNCTION settlement_items_match_journals()`);
    await q.query(
      `ALTER TABLE settlement_items
         ADD CONSTRAINT settlement_items_merchant_id_fkey FOREIGN KEY (merchant_id) REFERENCES merchants(id),
         ADD CONSTRAINT settlement_items_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES payments(id),
         ADD CONSTRAINT settlement_items_refund_id_fkey FOREIGN KEY (refund_id) REFERENCES refunds(id)`,
    );
  }
}

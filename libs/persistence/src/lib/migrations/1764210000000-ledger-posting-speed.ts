import type { MigrationInterface, QueryRunner } from 'typeorm';

const SIGNATURE = 'ledger_post_journal(jsonb, text[], text[], text[], bigint[], text[])';

/**
 * Makes `ledger_post_journal` (migration 1764170000000) cheaper per journal, with every invariant kept: same
 * arguments and results, same writer lock, hash chain, lock order, overdraft refusal and row-level security.
 * Profiled per statement (bench/README.md, ledger section), the time went to:
 * - planning: the arrays passed in are parameters, so the plan cache judged a generic plan dearer than a custom
 *   one and planned every statement on every call; the statements are key lookups, so generic plans are forced;
 * - the account lookup: under row-level security a qual holding `coalesce(...)` may not run before the policy,
 *   so the expression index `ledger_accounts_key` was only used on (kind, currency) and every merchant's account
 *   of that kind was read. Two partial unique indexes on plain columns serve the lookup instead; an account is
 *   created only when the lookup misses one (once per merchant, kind and currency) instead of on every call;
 * - the few platform account rows updated by every posting: packed pages leave no room for HOT updates, so
 *   versions spilled onto new pages with new index entries. A low fill factor keeps each page room to update in
 *   place (applies to pages written from now on);
 * - locking the accounts and checking for an overdraft were two statements; they are one now;
 * - round trips under the writer lock: `ledger_post_journals` posts a whole batch (LedgerPostingBatcher) in one.
 */
export class LedgerPostingSpeed1764210000000 implements MigrationInterface {
  name = 'LedgerPostingSpeed1764210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE UNIQUE INDEX ledger_accounts_merchant_key ON ledger_accounts (merchant_id, kind, currency)
        WHERE merchant_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX ledger_accounts_platform_key ON ledger_accounts (kind, currency) WHERE merchant_id IS NULL`,
    );
    await q.query(`ALTER TABLE ledger_accounts SET (fillfactor = 10)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ledger_post_journal(
        p_journal jsonb, p_kinds text[], p_currencies text[], p_merchants text[], p_amounts bigint[], p_entry_ids text[]
      ) RETURNS TABLE (posted_journal_id text, posted boolean)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_id text := p_journal->>'id';
        v_type text := p_journal->>'type';
        v_reference text := p_journal->>'reference';
        v_merchant_id text := p_journal->>'merchantId';
        v_payment_id text := p_journal->>'paymentId';
        v_refund_id text := p_journal->>'refundId';
        v_gross bigint := (p_journal->>'grossAmount')::bigint;
        v_commission bigint := (p_journal->>'commissionAmount')::bigint;
        v_rule_id text := p_journal->>'commissionRuleId';
        v_rule_version integer := (p_journal->>'commissionRuleVersion')::integer;
        v_occurred_at timestamptz := coalesce((p_journal->>'occurredAt')::timestamptz, now());
        v_legs integer := cardinality(p_kinds);
        v_existing text;
        v_prev_hash text;
        v_hash text;
        v_account_ids bigint[];
        v_short record;
        v_header text;
        v_entries text;
      BEGIN
        IF v_legs < 2 OR v_legs <> cardinality(p_amounts) OR v_legs <> cardinality(p_currencies)
           OR v_legs <> cardinality(p_merchants) OR v_legs <> cardinality(p_entry_ids) THEN
          RAISE EXCEPTION 'journal % needs at least two legs of equal-length arrays', v_reference USING ERRCODE = '22023';
        END IF;

        SELECT j.id INTO v_existing FROM ledger_journals j WHERE j.reference = v_reference;
        IF FOUND THEN
          RETURN QUERY SELECT v_existing, false;
          RETURN;
        END IF;

        -- One writer at a time: the chain stays linear, and account locks taken after this can never deadlock.
        PERFORM pg_advisory_xact_lock(7240017);
        SELECT j.hash INTO v_prev_hash FROM ledger_journals j ORDER BY j.seq DESC LIMIT 1;
        v_prev_hash := coalesce(v_prev_hash, repeat('0', 64));

        -- Posted by a writer we queued behind?
        SELECT j.id INTO v_existing FROM ledger_journals j WHERE j.reference = v_reference;
        IF FOUND THEN
          RETURN QUERY SELECT v_existing, false;
          RETURN;
        END IF;

        -- Accounts through their unique key (one index probe per leg); created only when one is missing, which
        -- happens once per merchant, kind and currency.
        SELECT array_agg(a.id ORDER BY l.ord) INTO v_account_ids
          FROM unnest(p_kinds, p_currencies, p_merchants) WITH ORDINALITY AS l(kind, currency, merchant_id, ord)
          CROSS JOIN LATERAL (
            SELECT x.id FROM ledger_accounts x
             WHERE x.merchant_id = l.merchant_id AND x.kind = l.kind AND x.currency = l.currency
            UNION ALL
            SELECT x.id FROM ledger_accounts x
             WHERE l.merchant_id IS NULL AND x.merchant_id IS NULL AND x.kind = l.kind AND x.currency = l.currency
          ) a;
        IF coalesce(cardinality(v_account_ids), 0) <> v_legs THEN
          INSERT INTO ledger_accounts (kind, currency, merchant_id, normal_side)
          SELECT DISTINCT l.kind, l.currency, l.merchant_id,
                 CASE WHEN l.kind IN ('gateway_clearing', 'platform_fees') THEN 'debit' ELSE 'credit' END
            FROM unnest(p_kinds, p_currencies, p_merchants) AS l(kind, currency, merchant_id)
          ON CONFLICT DO NOTHING;
          SELECT array_agg(a.id ORDER BY l.ord) INTO v_account_ids
            FROM unnest(p_kinds, p_currencies, p_merchants) WITH ORDINALITY AS l(kind, currency, merchant_id, ord)
            CROSS JOIN LATERAL (
              SELECT x.id FROM ledger_accounts x
               WHERE x.merchant_id = l.merchant_id AND x.kind = l.kind AND x.currency = l.currency
              UNION ALL
              SELECT x.id FROM ledger_accounts x
               WHERE l.merchant_id IS NULL AND x.merchant_id IS NULL AND x.kind = l.kind AND x.currency = l.currency
            ) a;
          IF coalesce(cardinality(v_account_ids), 0) <> v_legs THEN
            RAISE EXCEPTION 'journal % names an account outside the current scope', v_reference USING ERRCODE = '42501';
          END IF;
        END IF;

        -- Locks the accounts in id order and finds the first one the journal would overdraw, in one statement.
        SELECT a.id, a.kind, a.currency, a.merchant_id, a.balance, a.sign * d.delta AS change
          INTO v_short
          FROM (SELECT x.id, x.kind, x.currency, x.merchant_id, x.balance, x.allow_negative,
                       CASE x.normal_side WHEN 'credit' THEN 1 ELSE -1 END AS sign
                  FROM ledger_accounts x WHERE x.id = ANY (v_account_ids) ORDER BY x.id FOR UPDATE) a
          JOIN (SELECT u.acc, sum(u.amt) AS delta FROM unnest(v_account_ids, p_amounts) AS u(acc, amt) GROUP BY u.acc) d
            ON d.acc = a.id
         WHERE NOT a.allow_negative AND a.balance + a.sign * d.delta < 0
         ORDER BY a.id
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'insufficient funds: % % account % (merchant %) holds %, journal % would change it by %',
            v_short.kind, v_short.currency, v_short.id, coalesce(v_short.merchant_id, 'platform'), v_short.balance,
            v_reference, v_short.change
            USING ERRCODE = 'LSP01';
        END IF;

        -- Three simple steps: one expression holding a subquery is planned and started as a query every call.
        SELECT string_agg(u.e_id || ':' || u.acc || ':' || u.amt, ',' ORDER BY u.e_id) INTO v_entries
          FROM unnest(p_entry_ids, v_account_ids, p_amounts) AS u(e_id, acc, amt);
        v_header := ledger_journal_header(v_id, v_type, v_reference, v_merchant_id, v_payment_id, v_refund_id,
                                          v_gross, v_commission, v_rule_id, v_rule_version, v_occurred_at);
        v_hash := ledger_hash(v_prev_hash, v_header, v_entries);

        INSERT INTO ledger_journals (id, type, reference, merchant_id, payment_id, refund_id, gross_amount,
                                     commission_amount, commission_rule_id, commission_rule_version, metadata,
                                     occurred_at, prev_hash, hash)
        VALUES (v_id, v_type, v_reference, v_merchant_id, v_payment_id, v_refund_id, v_gross, v_commission,
                v_rule_id, v_rule_version, coalesce(p_journal->'metadata', '{}'::jsonb), v_occurred_at,
                v_prev_hash, v_hash);

        WITH legs AS (
          SELECT u.e_id, u.acc, u.amt FROM unnest(p_entry_ids, v_account_ids, p_amounts) AS u(e_id, acc, amt)
        ), moved AS (
          UPDATE ledger_accounts a
             SET balance = a.balance + CASE a.normal_side WHEN 'credit' THEN 1 ELSE -1 END * d.delta, updated_at = now()
            FROM (SELECT legs.acc, sum(legs.amt) AS delta FROM legs GROUP BY legs.acc) d
           WHERE a.id = d.acc
          RETURNING a.id, a.balance, a.normal_side, a.currency, a.merchant_id, d.delta
        )
        INSERT INTO ledger_entries (id, journal_id, account_id, merchant_id, currency, amount, balance_after)
        SELECT l.e_id, v_id, l.acc, m.merchant_id, m.currency, l.amt,
               m.balance - CASE m.normal_side WHEN 'credit' THEN 1 ELSE -1 END
                           * (m.delta - sum(l.amt) OVER (PARTITION BY l.acc ORDER BY l.e_id))
          FROM legs l JOIN moved m ON m.id = l.acc;

        RETURN QUERY SELECT v_id, true;
      END $$`);
    // CREATE OR REPLACE drops the settings the function had; enable_seqscan = off is the original's (see there).
    await q.query(`ALTER FUNCTION ${SIGNATURE} SET enable_seqscan = off`);
    await q.query(`ALTER FUNCTION ${SIGNATURE} SET plan_cache_mode = force_generic_plan`);
    // A bitmap scan never marks the dead index entries of the hot account rows as dead; a plain index scan does.
    await q.query(`ALTER FUNCTION ${SIGNATURE} SET enable_bitmapscan = off`);

    /*
     * Several journals in one call, each in its own subtransaction: a journal that fails (an overdraft, a broken
     * invariant) is taken back alone and reported in its row, the others stay posted in the caller's transaction.
     * A capture may carry its place in the release queue (`release`), written only when its journal is posted.
     * One round trip for a whole batch: the ledger's writer lock is held for the postings, not for the network.
     */
    await q.query(`
      CREATE FUNCTION ledger_post_journals(p_postings jsonb)
      RETURNS TABLE (ord integer, posted_journal_id text, posted boolean, error_code text, error_message text)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_posting jsonb;
        v_ord bigint;
        v_result record;
      BEGIN
        FOR v_posting, v_ord IN SELECT e.value, e.ordinality FROM jsonb_array_elements(p_postings) WITH ORDINALITY e LOOP
          ord := v_ord;
          BEGIN
            SELECT r.posted_journal_id, r.posted INTO v_result
              FROM ledger_post_journal(
                v_posting->'journal',
                ARRAY(SELECT x.value FROM jsonb_array_elements_text(v_posting->'kinds') WITH ORDINALITY x ORDER BY x.ordinality),
                ARRAY(SELECT x.value FROM jsonb_array_elements_text(v_posting->'currencies') WITH ORDINALITY x ORDER BY x.ordinality),
                ARRAY(SELECT x.value FROM jsonb_array_elements_text(v_posting->'merchants') WITH ORDINALITY x ORDER BY x.ordinality),
                ARRAY(SELECT x.value::bigint FROM jsonb_array_elements_text(v_posting->'amounts') WITH ORDINALITY x ORDER BY x.ordinality),
                ARRAY(SELECT x.value FROM jsonb_array_elements_text(v_posting->'entryIds') WITH ORDINALITY x ORDER BY x.ordinality)
              ) r;
            IF v_result.posted AND v_posting ? 'release' THEN
              INSERT INTO ledger_pending_releases (capture_journal_id, payment_id, merchant_id, currency, available_at)
              VALUES (v_result.posted_journal_id, v_posting->'release'->>'paymentId', v_posting->'release'->>'merchantId',
                      v_posting->'release'->>'currency', (v_posting->'release'->>'availableAt')::timestamptz);
            END IF;
            posted_journal_id := v_result.posted_journal_id;
            posted := v_result.posted;
            error_code := NULL;
            error_message := NULL;
          EXCEPTION WHEN OTHERS THEN
            posted_journal_id := NULL;
            posted := false;
            error_code := SQLSTATE;
            error_message := SQLERRM;
          END;
          RETURN NEXT;
        END LOOP;
      END $$`);
    await q.query(`ALTER FUNCTION ledger_post_journals(jsonb) SET plan_cache_mode = force_generic_plan`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ledger_post_journals(jsonb)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ledger_post_journal(
        p_journal jsonb, p_kinds text[], p_currencies text[], p_merchants text[], p_amounts bigint[], p_entry_ids text[]
      ) RETURNS TABLE (posted_journal_id text, posted boolean)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_id text := p_journal->>'id';
        v_reference text := p_journal->>'reference';
        v_occurred_at timestamptz := coalesce((p_journal->>'occurredAt')::timestamptz, now());
        v_existing text;
        v_prev_hash text;
        v_hash text;
        v_account_ids bigint[];
        v_short record;
        v_header text;
        v_entries text;
      BEGIN
        IF cardinality(p_kinds) < 2 OR cardinality(p_kinds) <> cardinality(p_amounts)
           OR cardinality(p_kinds) <> cardinality(p_currencies) OR cardinality(p_kinds) <> cardinality(p_merchants)
           OR cardinality(p_kinds) <> cardinality(p_entry_ids) THEN
          RAISE EXCEPTION 'journal % needs at least two legs of equal-length arrays', v_reference USING ERRCODE = '22023';
        END IF;

        SELECT j.id INTO v_existing FROM ledger_journals j WHERE j.reference = v_reference;
        IF FOUND THEN
          RETURN QUERY SELECT v_existing, false;
          RETURN;
        END IF;

        -- One writer at a time: the chain stays linear, and account locks taken after this can never deadlock.
        PERFORM pg_advisory_xact_lock(7240017);
        SELECT j.hash INTO v_prev_hash FROM ledger_journals j ORDER BY j.seq DESC LIMIT 1;
        v_prev_hash := coalesce(v_prev_hash, repeat('0', 64));

        -- Posted by a writer we queued behind?
        SELECT j.id INTO v_existing FROM ledger_journals j WHERE j.reference = v_reference;
        IF FOUND THEN
          RETURN QUERY SELECT v_existing, false;
          RETURN;
        END IF;

        INSERT INTO ledger_accounts (kind, currency, merchant_id, normal_side)
        SELECT DISTINCT l.kind, l.currency, l.merchant_id,
               CASE WHEN l.kind IN ('gateway_clearing', 'platform_fees') THEN 'debit' ELSE 'credit' END
          FROM unnest(p_kinds, p_currencies, p_merchants) AS l(kind, currency, merchant_id)
         WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a
                            WHERE a.kind = l.kind AND a.currency = l.currency
                              AND coalesce(a.merchant_id, '') = coalesce(l.merchant_id, ''))
        ON CONFLICT DO NOTHING;

        SELECT array_agg(a.id ORDER BY l.ord) INTO v_account_ids
          FROM unnest(p_kinds, p_currencies, p_merchants) WITH ORDINALITY AS l(kind, currency, merchant_id, ord)
          JOIN ledger_accounts a ON a.kind = l.kind AND a.currency = l.currency
                                AND coalesce(a.merchant_id, '') = coalesce(l.merchant_id, '');
        IF coalesce(cardinality(v_account_ids), 0) <> cardinality(p_kinds) THEN
          RAISE EXCEPTION 'journal % names an account outside the current scope', v_reference USING ERRCODE = '42501';
        END IF;

        PERFORM 1 FROM ledger_accounts a WHERE a.id = ANY (v_account_ids) ORDER BY a.id FOR UPDATE;

        SELECT a.id, a.kind, a.currency, a.merchant_id, a.balance,
               CASE a.normal_side WHEN 'credit' THEN 1 ELSE -1 END * d.delta AS change
          INTO v_short
          FROM (SELECT u.acc, sum(u.amt) AS delta FROM unnest(v_account_ids, p_amounts) AS u(acc, amt) GROUP BY u.acc) d
          JOIN ledger_accounts a ON a.id = d.acc
         WHERE NOT a.allow_negative
           AND a.balance + CASE a.normal_side WHEN 'credit' THEN 1 ELSE -1 END * d.delta < 0
         ORDER BY a.id
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'insufficient funds: % % account % (merchant %) holds %, journal % would change it by %',
            v_short.kind, v_short.currency, v_short.id, coalesce(v_short.merchant_id, 'platform'), v_short.balance,
            v_reference, v_short.change
            USING ERRCODE = 'LSP01';
        END IF;

        v_header := ledger_journal_header(
          v_id, p_journal->>'type', v_reference, p_journal->>'merchantId', p_journal->>'paymentId',
          p_journal->>'refundId', (p_journal->>'grossAmount')::bigint, (p_journal->>'commissionAmount')::bigint,
          p_journal->>'commissionRuleId', (p_journal->>'commissionRuleVersion')::integer, v_occurred_at);
        SELECT string_agg(u.e_id || ':' || u.acc || ':' || u.amt, ',' ORDER BY u.e_id) INTO v_entries
          FROM unnest(p_entry_ids, v_account_ids, p_amounts) AS u(e_id, acc, amt);
        v_hash := ledger_hash(v_prev_hash, v_header, v_entries);

        INSERT INTO ledger_journals (id, type, reference, merchant_id, payment_id, refund_id, gross_amount,
                                     commission_amount, commission_rule_id, commission_rule_version, metadata,
                                     occurred_at, prev_hash, hash)
        VALUES (v_id, p_journal->>'type', v_reference, p_journal->>'merchantId', p_journal->>'paymentId',
                p_journal->>'refundId', (p_journal->>'grossAmount')::bigint, (p_journal->>'commissionAmount')::bigint,
                p_journal->>'commissionRuleId', (p_journal->>'commissionRuleVersion')::integer,
                coalesce(p_journal->'metadata', '{}'::jsonb), v_occurred_at, v_prev_hash, v_hash);

        WITH legs AS (
          SELECT u.e_id, u.acc, u.amt FROM unnest(p_entry_ids, v_account_ids, p_amounts) AS u(e_id, acc, amt)
        ), moved AS (
          UPDATE ledger_accounts a
             SET balance = a.balance + CASE a.normal_side WHEN 'credit' THEN 1 ELSE -1 END * d.delta, updated_at = now()
            FROM (SELECT legs.acc, sum(legs.amt) AS delta FROM legs GROUP BY legs.acc) d
           WHERE a.id = d.acc
          RETURNING a.id, a.balance, a.normal_side, a.currency, a.merchant_id, d.delta
        )
        INSERT INTO ledger_entries (id, journal_id, account_id, merchant_id, currency, amount, balance_after)
        SELECT l.e_id, v_id, l.acc, m.merchant_id, m.currency, l.amt,
               m.balance - CASE m.normal_side WHEN 'credit' THEN 1 ELSE -1 END
                           * (m.delta - sum(l.amt) OVER (PARTITION BY l.acc ORDER BY l.e_id))
          FROM legs l JOIN moved m ON m.id = l.acc;

        RETURN QUERY SELECT v_id, true;
      END $$`);
    await q.query(`ALTER FUNCTION ${SIGNATURE} SET enable_seqscan = off`);
    await q.query(`ALTER TABLE ledger_accounts RESET (fillfactor)`);
    await q.query(`DROP INDEX ledger_accounts_platform_key, ledger_accounts_merchant_key`);
  }
}

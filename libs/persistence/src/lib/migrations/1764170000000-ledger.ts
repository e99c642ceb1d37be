import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The double-entry ledger (API.md §7): accounts with their balances, immutable journals and entries, versioned
 * commission rules, the queue of captures waiting for their settlement cut-off, wallet alert thresholds,
 * reconciliation runs, and the settlement tables the settlement processor fills.
 *
 * Invariants held by the database itself, whatever the code does:
 * - every journal's entries sum to zero per currency, and a journal has at least two entries (deferred
 *   constraint triggers, checked at COMMIT, so a crash or error half-way leaves nothing);
 * - an account whose kind may not go negative never does (CHECK on the balance row);
 * - one journal per cause (unique `reference`), so a replayed event posts nothing;
 * - journals and entries are append-only for the runtime role (no UPDATE, no DELETE granted) and hash-chained,
 *   so an edit by anyone else is detectable;
 * - a captured amount is settled once (unique settlement item per source journal).
 *
 * Entry amounts are signed, credit-positive; an account's balance is on its normal side:
 * `balance = (credit-normal ? 1 : −1) × Σ amounts`.
 */
export class Ledger1764170000000 implements MigrationInterface {
  name = 'Ledger1764170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_accounts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('merchant_pending', 'merchant_available', 'merchant_settled',
                                           'platform_commission', 'gateway_clearing', 'platform_fees')),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        merchant_id text REFERENCES merchants(id),
        normal_side text NOT NULL CHECK (normal_side IN ('credit', 'debit')),
        allow_negative boolean NOT NULL DEFAULT false,
        balance bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind LIKE 'merchant\\_%') = (merchant_id IS NOT NULL)),
        CHECK (normal_side = CASE WHEN kind IN ('gateway_clearing', 'platform_fees') THEN 'debit' ELSE 'credit' END),
        -- no overdraft: a wallet never pays out money it does not hold
        CONSTRAINT ledger_accounts_no_overdraft CHECK (allow_negative OR balance >= 0)
      )`);
    // One account per kind, currency and merchant; the expression lets platform accounts (no merchant) be unique too.
    await q.query(
      `CREATE UNIQUE INDEX ledger_accounts_key ON ledger_accounts (kind, currency, (coalesce(merchant_id, '')))`,
    );
    await q.query(`CREATE INDEX ledger_accounts_merchant_idx ON ledger_accounts (merchant_id, currency)`);

    await q.query(`
      CREATE TABLE commission_rule_sets (
        version integer PRIMARY KEY CHECK (version > 0),
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE commission_rules (
        id text PRIMARY KEY CHECK (id ~ '^cmr_[0-9A-Z]{26}$'),
        version integer NOT NULL REFERENCES commission_rule_sets(version),
        position integer NOT NULL CHECK (position >= 0),
        merchant_id text REFERENCES merchants(id),
        provider text CHECK (provider IN ('sandbox', 'razorpay', 'phonepe')),
        method text CHECK (method IN ('upi', 'card', 'netbanking', 'wallet')),
        currency text CHECK (currency ~ '^[A-Z]{3}$'),
        percent_bps integer NOT NULL CHECK (percent_bps BETWEEN 0 AND 5000),
        fixed_amount bigint NOT NULL CHECK (fixed_amount BETWEEN 0 AND 1000000000),
        min_amount bigint CHECK (min_amount BETWEEN 0 AND 1000000000),
        max_amount bigint CHECK (max_amount BETWEEN 0 AND 1000000000),
        CHECK (min_amount IS NULL OR max_amount IS NULL OR min_amount <= max_amount),
        UNIQUE (version, position),
        UNIQUE NULLS NOT DISTINCT (version, merchant_id, provider, method, currency)
      )`);
    await q.query(`CREATE INDEX commission_rules_merchant_idx ON commission_rules (merchant_id)`);
    // The platform default until finance sets its own: 2 % per payment.
    await q.query(`INSERT INTO commission_rule_sets (version, created_by) VALUES (1, 'migration')`);
    await q.query(
      `INSERT INTO commission_rules (id, version, position, percent_bps, fixed_amount)
       VALUES ('cmr_00000000000000000000000001', 1, 0, 200, 0)`,
    );

    await q.query(`
      CREATE TABLE ledger_journals (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text PRIMARY KEY CHECK (id ~ '^jnl_[0-9A-Z]{26}$'),
        type text NOT NULL CHECK (type IN ('capture', 'refund', 'release', 'settlement', 'adjustment')),
        -- the cause (capture:<paymentId>, refund:<refundId>, …): replaying it posts nothing
        reference text NOT NULL UNIQUE CHECK (length(reference) BETWEEN 1 AND 200),
        merchant_id text REFERENCES merchants(id),
        payment_id text REFERENCES payments(id),
        refund_id text REFERENCES refunds(id),
        gross_amount bigint CHECK (gross_amount >= 0),
        commission_amount bigint CHECK (commission_amount >= 0),
        -- the rule and rule-set version a capture was charged under, kept for good
        commission_rule_id text REFERENCES commission_rules(id),
        commission_rule_version integer REFERENCES commission_rule_sets(version),
        metadata jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL,
        posted_at timestamptz NOT NULL DEFAULT now(),
        prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
        CHECK (commission_amount IS NULL OR commission_amount <= gross_amount)
      )`);
    await q.query(`CREATE INDEX ledger_journals_merchant_idx ON ledger_journals (merchant_id, id)`);
    await q.query(`CREATE INDEX ledger_journals_payment_idx ON ledger_journals (payment_id, type)`);
    await q.query(`CREATE INDEX ledger_journals_type_idx ON ledger_journals (type, occurred_at)`);

    await q.query(`
      CREATE TABLE ledger_entries (
        id text PRIMARY KEY CHECK (id ~ '^ent_[0-9A-Z]{26}$'),
        journal_id text NOT NULL REFERENCES ledger_journals(id),
        account_id bigint NOT NULL REFERENCES ledger_accounts(id),
        -- copies of the account's, so row-level security and statements need no join
        merchant_id text REFERENCES merchants(id),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        -- signed, credit-positive, never zero
        amount bigint NOT NULL CHECK (amount <> 0),
        -- the account's balance right after this entry: a statement line needs no running sum
        balance_after bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, id)`);
    await q.query(`CREATE INDEX ledger_entries_account_time_idx ON ledger_entries (account_id, created_at)`);
    await q.query(`CREATE INDEX ledger_entries_journal_idx ON ledger_entries (journal_id)`);
    // Wallet statements: a merchant's entries newest first, optionally from/to a date.
    await q.query(`CREATE INDEX ledger_entries_merchant_idx ON ledger_entries (merchant_id, id)`);
    await q.query(`CREATE INDEX ledger_entries_merchant_time_idx ON ledger_entries (merchant_id, created_at)`);

    // What a journal's hash covers: its header and every entry, in a fixed textual form.
    await q.query(`
      CREATE FUNCTION ledger_hash(prev_hash text, header text, entries text) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(prev_hash || E'\\n' || header || E'\\n' || entries, 'UTF8')), 'hex')
      $$`);
    await q.query(`
      CREATE FUNCTION ledger_journal_header(
        id text, type text, reference text, merchant_id text, payment_id text, refund_id text,
        gross bigint, commission bigint, rule_id text, rule_version integer, occurred_at timestamptz
      ) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT concat_ws('|', id, type, reference, coalesce(merchant_id, ''), coalesce(payment_id, ''),
                         coalesce(refund_id, ''), coalesce(gross::text, ''), coalesce(commission::text, ''),
                         coalesce(rule_id, ''), coalesce(rule_version::text, ''),
                         (extract(epoch FROM occurred_at) * 1000000)::bigint::text)
      $$`);

    /*
     * Posts one journal in the caller's transaction, or nothing when its reference was posted before.
     * Order of work: the ledger's advisory lock (serialises writers), accounts created if missing and locked in id order,
     * overdraft check (a clear error instead of a CHECK violation), journal, entries with running balances,
     * balances, chain head. Any error aborts the caller's transaction: no orphan entries, no half-moved balance.
     */
    await q.query(`
      CREATE FUNCTION ledger_post_journal(
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
    // The platform accounts are a few rows updated on every posting: between vacuums they carry many row
    // versions, and a sequential scan of the (small) table reads them all. Key lookups stay constant-time.
    await q.query(
      `ALTER FUNCTION ledger_post_journal(jsonb, text[], text[], text[], bigint[], text[]) SET enable_seqscan = off`,
    );

    // Checked at COMMIT: the owner runs them (SECURITY DEFINER), so row-level security never hides a leg.
    await q.query(`
      CREATE FUNCTION ledger_check_entries_balance() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE bad record;
      BEGIN
        SELECT e.currency, sum(e.amount) AS total INTO bad
          FROM ledger_entries e WHERE e.journal_id = NEW.journal_id
         GROUP BY e.currency HAVING sum(e.amount) <> 0 LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'ledger journal % does not balance in %: its entries sum to %', NEW.journal_id, bad.currency, bad.total
            USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER ledger_entries_balance AFTER INSERT ON ledger_entries
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entries_balance()`);
    await q.query(`
      CREATE FUNCTION ledger_check_journal_entries() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        IF (SELECT count(*) FROM ledger_entries e WHERE e.journal_id = NEW.id) < 2 THEN
          RAISE EXCEPTION 'ledger journal % has fewer than two entries', NEW.id USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER ledger_journals_entries AFTER INSERT ON ledger_journals
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_journal_entries()`);

    // Captures waiting for their settlement cut-off; a row leaves when its release journal is posted.
    await q.query(`
      CREATE TABLE ledger_pending_releases (
        capture_journal_id text PRIMARY KEY REFERENCES ledger_journals(id),
        payment_id text NOT NULL UNIQUE REFERENCES payments(id),
        merchant_id text NOT NULL REFERENCES merchants(id),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        available_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ledger_pending_releases_due_idx ON ledger_pending_releases (available_at)`);
    await q.query(
      `CREATE INDEX ledger_pending_releases_merchant_idx ON ledger_pending_releases (merchant_id, available_at)`,
    );

    await q.query(`
      CREATE TABLE wallet_alert_thresholds (
        merchant_id text NOT NULL REFERENCES merchants(id),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        low_balance_threshold bigint NOT NULL CHECK (low_balance_threshold BETWEEN 0 AND 1000000000000),
        -- set while the wallet is below the threshold: the alert is raised once per crossing, not on every check
        below_since timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (merchant_id, currency)
      )`);

    await q.query(`
      CREATE TABLE ledger_reconciliation_runs (
        id text PRIMARY KEY CHECK (id ~ '^chk_[0-9A-Z]{26}$'),
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT now(),
        ok boolean NOT NULL,
        checks jsonb NOT NULL,
        breaks jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX ledger_reconciliation_runs_started_idx ON ledger_reconciliation_runs (started_at)`);

    // Filled by the settlement processor: available → settled, one item per source journal, settled once.
    await q.query(`
      CREATE TABLE settlements (
        id text PRIMARY KEY CHECK (id ~ '^stl_[0-9A-Z]{26}$'),
        merchant_id text NOT NULL REFERENCES merchants(id),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN ('processing', 'paid', 'failed')),
        amount bigint NOT NULL DEFAULT 0 CHECK (amount >= 0),
        item_count integer NOT NULL DEFAULT 0 CHECK (item_count >= 0),
        cutoff timestamptz NOT NULL,
        journal_id text REFERENCES ledger_journals(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        paid_at timestamptz
      )`);
    await q.query(`CREATE INDEX settlements_merchant_idx ON settlements (merchant_id, id)`);
    await q.query(`CREATE INDEX settlements_status_idx ON settlements (status, id)`);
    await q.query(`
      CREATE TABLE settlement_items (
        settlement_id text NOT NULL REFERENCES settlements(id),
        -- the journal that made the amount available (a release; a refund taking it back is negative)
        source_journal_id text NOT NULL UNIQUE REFERENCES ledger_journals(id),
        merchant_id text NOT NULL REFERENCES merchants(id),
        payment_id text REFERENCES payments(id),
        refund_id text REFERENCES refunds(id),
        amount bigint NOT NULL,
        PRIMARY KEY (settlement_id, source_journal_id)
      )`);

    for (const table of [
      'ledger_accounts',
      'ledger_journals',
      'ledger_entries',
      'ledger_pending_releases',
      'wallet_alert_thresholds',
      'settlements',
      'settlement_items',
    ]) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY ${table}_tenant ON ${table} USING (lsp_scope_admits(merchant_id)) WITH CHECK (lsp_scope_admits(merchant_id))`,
      );
    }

    // Journals and entries are append-only for the runtime role; balances change only with them.
    await q.query(`GRANT SELECT, INSERT ON ledger_journals, ledger_entries TO lsp_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON ledger_accounts TO lsp_app`);
    await q.query(
      `GRANT SELECT, INSERT ON commission_rule_sets, commission_rules, ledger_reconciliation_runs TO lsp_app`,
    );
    await q.query(`GRANT SELECT, INSERT, DELETE ON ledger_pending_releases TO lsp_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON wallet_alert_thresholds TO lsp_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON settlements TO lsp_app`);
    await q.query(`GRANT SELECT, INSERT ON settlement_items TO lsp_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE settlement_items, settlements, ledger_reconciliation_runs, wallet_alert_thresholds,
                  ledger_pending_releases, ledger_entries, ledger_journals, commission_rules,
                  commission_rule_sets, ledger_accounts`,
    );
    await q.query(`DROP FUNCTION ledger_check_journal_entries(), ledger_check_entries_balance()`);
    await q.query(`DROP FUNCTION ledger_post_journal(jsonb, text[], text[], text[], bigint[], text[])`);
    await q.query(
      `DROP FUNCTION ledger_journal_header(text, text, text, text, text, text, bigint, bigint, text, integer, timestamptz)`,
    );
    await q.query(`DROP FUNCTION ledger_hash(text, text, text)`);
  }
}

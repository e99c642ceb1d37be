-- Matured captured payments, set-based, for the settlement benchmark and the kill -9 test: {{MERCHANTS}} manual
-- merchants (INR), {{PAYMENTS}} captured payments spread over them, each with its capture journal (clearing →
-- merchant pending + 2 % commission, as the default rule charges) and its release journal (pending → available,
-- as the ledger's release worker posts once the cut-off passed), captured three days ago. Balances are set to
-- the sums of the entries. Run as the owner. Triggers are off while seeding (session_replication_role) only so
-- that millions of rows need no per-row checks; the rows satisfy them anyway. The journal hashes are
-- well-formed but not a verified chain: this is a benchmark database.
BEGIN;
SET LOCAL session_replication_role = replica;

CREATE TEMP TABLE seed_payments ON COMMIT DROP AS
SELECT p AS n,
       'pay_' || lpad(upper(to_hex(p)), 26, '0') AS payment_id,
       'mer_' || lpad(upper(to_hex(1 + (p - 1) % {{MERCHANTS}})), 26, '0') AS merchant_id,
       1000 + (p::bigint * 7919) % 99000 AS amount,
       ((1000 + (p::bigint * 7919) % 99000) * 200 + 5000) / 10000 AS commission,
       now() - interval '3 days' + p * interval '1 millisecond' AS captured_at
  FROM generate_series(1, {{PAYMENTS}}) p;

INSERT INTO merchants (id, name, email, settlement_schedule)
SELECT 'mer_' || lpad(upper(to_hex(m)), 26, '0'), 'Seeded merchant ' || m, 'seeded' || m || '@merchant.test', 'manual'
  FROM generate_series(1, {{MERCHANTS}}) m;

INSERT INTO payments (id, merchant_id, amount, currency, method, status, created_at, updated_at)
SELECT payment_id, merchant_id, amount, 'INR', 'upi', 'captured', captured_at, captured_at FROM seed_payments;

INSERT INTO ledger_accounts (kind, currency, merchant_id, normal_side, balance)
SELECT k.kind, 'INR', m.merchant_id, 'credit', CASE WHEN k.kind = 'merchant_available' THEN m.net ELSE 0 END
  FROM (SELECT merchant_id, sum(amount - commission) AS net FROM seed_payments GROUP BY merchant_id) m
 CROSS JOIN (VALUES ('merchant_pending'), ('merchant_available')) k(kind);
INSERT INTO ledger_accounts (kind, currency, merchant_id, normal_side, balance)
SELECT 'gateway_clearing', 'INR', NULL, 'debit', sum(amount) FROM seed_payments
UNION ALL
SELECT 'platform_commission', 'INR', NULL, 'credit', sum(commission) FROM seed_payments
ON CONFLICT (kind, currency, (coalesce(merchant_id, ''))) DO UPDATE SET balance = ledger_accounts.balance + excluded.balance;

INSERT INTO ledger_journals (id, type, reference, merchant_id, payment_id, gross_amount, commission_amount,
                             commission_rule_id, commission_rule_version, occurred_at, posted_at, prev_hash, hash)
SELECT 'jnl_C' || lpad(upper(to_hex(n)), 25, '0'), 'capture', 'capture:' || payment_id, merchant_id, payment_id,
       amount, commission, 'cmr_00000000000000000000000001', 1, captured_at, captured_at,
       repeat('0', 64), encode(sha256(convert_to('capture:' || payment_id, 'UTF8')), 'hex')
  FROM seed_payments
UNION ALL
SELECT 'jnl_R' || lpad(upper(to_hex(n)), 25, '0'), 'release', 'release:' || payment_id, merchant_id, payment_id,
       amount - commission, NULL, NULL, NULL, captured_at + interval '1 day', captured_at + interval '1 day',
       repeat('0', 64), encode(sha256(convert_to('release:' || payment_id, 'UTF8')), 'hex')
  FROM seed_payments;

-- Legs (credit-positive), with each account's running balance in entry-id order.
WITH accounts AS (
  SELECT id, kind, merchant_id FROM ledger_accounts WHERE currency = 'INR'
), legs AS (
  SELECT 'ent_A' || lpad(upper(to_hex(n)), 25, '0') AS id, 'jnl_C' || lpad(upper(to_hex(n)), 25, '0') AS journal_id,
         'gateway_clearing' AS kind, NULL::text AS merchant_id, -amount AS amount, captured_at AS at FROM seed_payments
  UNION ALL
  SELECT 'ent_B' || lpad(upper(to_hex(n)), 25, '0'), 'jnl_C' || lpad(upper(to_hex(n)), 25, '0'),
         'merchant_pending', merchant_id, amount - commission, captured_at FROM seed_payments
  UNION ALL
  SELECT 'ent_C' || lpad(upper(to_hex(n)), 25, '0'), 'jnl_C' || lpad(upper(to_hex(n)), 25, '0'),
         'platform_commission', NULL, commission, captured_at FROM seed_payments WHERE commission > 0
  UNION ALL
  SELECT 'ent_D' || lpad(upper(to_hex(n)), 25, '0'), 'jnl_R' || lpad(upper(to_hex(n)), 25, '0'),
         'merchant_pending', merchant_id, -(amount - commission), captured_at + interval '1 day' FROM seed_payments
  UNION ALL
  SELECT 'ent_E' || lpad(upper(to_hex(n)), 25, '0'), 'jnl_R' || lpad(upper(to_hex(n)), 25, '0'),
         'merchant_available', merchant_id, amount - commission, captured_at + interval '1 day' FROM seed_payments
)
INSERT INTO ledger_entries (id, journal_id, account_id, merchant_id, currency, amount, balance_after, created_at)
SELECT l.id, l.journal_id, a.id, l.merchant_id, 'INR', l.amount,
       CASE WHEN l.kind = 'gateway_clearing' THEN -1 ELSE 1 END
         * sum(l.amount) OVER (PARTITION BY a.id ORDER BY l.id),
       l.at
  FROM legs l JOIN accounts a ON a.kind = l.kind AND coalesce(a.merchant_id, '') = coalesce(l.merchant_id, '');

COMMIT;
ANALYZE merchants, payments, ledger_accounts, ledger_journals, ledger_entries;

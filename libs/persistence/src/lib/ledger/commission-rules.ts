import type { EntityManager } from 'typeorm';
import { type CommissionRule, type Currency, newId } from '@lsp/domain';
import { sql } from '../sql';

export interface StoredCommissionRule extends CommissionRule {
  id: string;
  version: number;
}

export interface CommissionRuleSet {
  version: number;
  createdBy: string | null;
  createdAt: Date;
  rules: StoredCommissionRule[];
}

interface RuleRow {
  id: string;
  version: number;
  merchant_id: string | null;
  provider: string | null;
  method: string | null;
  currency: string | null;
  percent_bps: number;
  fixed_amount: string;
  min_amount: string | null;
  max_amount: string | null;
}

const nullableInt = (v: string | null): number | null => (v === null ? null : Number(v));

function toRule(row: RuleRow): StoredCommissionRule {
  return {
    id: row.id,
    version: row.version,
    merchantId: row.merchant_id,
    provider: row.provider,
    method: row.method,
    currency: row.currency as Currency | null,
    percentBps: row.percent_bps,
    fixedAmount: Number(row.fixed_amount),
    minAmount: nullableInt(row.min_amount),
    maxAmount: nullableInt(row.max_amount),
  };
}

const COMMISSION_RULES_LOCK = 7_240_018;

const RULE_COLUMNS = `id, version, merchant_id, provider, method, currency, percent_bps, fixed_amount, min_amount, max_amount`;

/** The rules of the current version that could apply to a payment of this merchant, provider, method, currency. */
export async function candidateCommissionRules(
  em: EntityManager,
  subject: { merchantId: string; provider: string; method: string; currency: string },
): Promise<StoredCommissionRule[]> {
  const rows = await sql<RuleRow>(
    em,
    `SELECT ${RULE_COLUMNS} FROM commission_rules
      WHERE version = (SELECT max(version) FROM commission_rule_sets)
        AND (merchant_id IS NULL OR merchant_id = $1) AND (provider IS NULL OR provider = $2)
        AND (method IS NULL OR method = $3) AND (currency IS NULL OR currency = $4)
      ORDER BY position`,
    [subject.merchantId, subject.provider, subject.method, subject.currency],
  );
  return rows.map(toRule);
}

/** The current rule set (or a given version), rules in the order they were submitted. */
export async function commissionRuleSet(em: EntityManager, version?: number): Promise<CommissionRuleSet | null> {
  const [set] = await sql<{ version: number; created_by: string | null; created_at: Date }>(
    em,
    version === undefined
      ? `SELECT version, created_by, created_at FROM commission_rule_sets ORDER BY version DESC LIMIT 1`
      : `SELECT version, created_by, created_at FROM commission_rule_sets WHERE version = $1`,
    version === undefined ? [] : [version],
  );
  if (!set) return null;
  const rows = await sql<RuleRow>(
    em,
    `SELECT ${RULE_COLUMNS} FROM commission_rules WHERE version = $1 ORDER BY position`,
    [set.version],
  );
  return { version: set.version, createdBy: set.created_by, createdAt: set.created_at, rules: rows.map(toRule) };
}

/**
 * Stores a validated rule set as the next version. Versions are never edited: a capture keeps pointing at the
 * rule it was charged under. Two concurrent writers queue on an advisory lock, so each gets its own version.
 */
export async function insertCommissionRuleSet(
  em: EntityManager,
  rules: readonly CommissionRule[],
  createdBy: string | null,
): Promise<CommissionRuleSet> {
  await sql(em, `SELECT pg_advisory_xact_lock($1)`, [COMMISSION_RULES_LOCK]);
  const [{ version }] = await sql<{ version: number }>(
    em,
    `INSERT INTO commission_rule_sets (version, created_by)
     SELECT coalesce(max(version), 0) + 1, $1 FROM commission_rule_sets RETURNING version`,
    [createdBy],
  );
  if (rules.length > 0) {
    await sql(
      em,
      `INSERT INTO commission_rules (id, version, position, merchant_id, provider, method, currency, percent_bps,
                                     fixed_amount, min_amount, max_amount)
       SELECT r.id, $1, r.position - 1, r.merchant_id, r.provider, r.method, r.currency, r.percent_bps,
              r.fixed_amount, r.min_amount, r.max_amount
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[],
                     $9::bigint[], $10::bigint[])
              WITH ORDINALITY AS r(id, merchant_id, provider, method, currency, percent_bps, fixed_amount,
                                   min_amount, max_amount, position)`,
      [
        version,
        rules.map(() => newId('commissionRule')),
        rules.map((r) => r.merchantId),
        rules.map((r) => r.provider),
        rules.map((r) => r.method),
        rules.map((r) => r.currency),
        rules.map((r) => r.percentBps),
        rules.map((r) => String(r.fixedAmount)),
        rules.map((r) => (r.minAmount === null ? null : String(r.minAmount))),
        rules.map((r) => (r.maxAmount === null ? null : String(r.maxAmount))),
      ],
    );
  }
  return (await commissionRuleSet(em, version)) as CommissionRuleSet;
}

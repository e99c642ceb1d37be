import { type Currency, isCurrency } from '../currency';
import { percentOfBasisPoints } from '../money-allocation';
import { LedgerError } from './ledger-error';

export const COMMISSION_SCOPE_FIELDS = ['merchantId', 'provider', 'method', 'currency'] as const;
export type CommissionScopeField = (typeof COMMISSION_SCOPE_FIELDS)[number];

/** Percent in basis points (250 = 2.5 %) plus a fixed fee, optionally clamped, for payments in its scope. */
export interface CommissionRule {
  /** Null scope fields match every value; a rule with all four null is the platform default. */
  merchantId: string | null;
  provider: string | null;
  method: string | null;
  currency: Currency | null;
  percentBps: number;
  /** Minor units of the payment's currency. */
  fixedAmount: number;
  minAmount: number | null;
  maxAmount: number | null;
}

export interface CommissionSubject {
  merchantId: string;
  provider: string;
  method: string;
  currency: Currency;
}

/** Values beyond these are typing mistakes, not pricing: 50 % commission, a fee of 10 million major units. */
export const COMMISSION_LIMITS = { maxPercentBps: 5_000, maxFixedAmount: 1_000_000_000 } as const;

/**
 * The commission on `amount` (minor units): `amount × bps / 10 000` rounded half-up, plus the fixed fee, then
 * raised to `minAmount` and lowered to `maxAmount`, and never more than the amount itself (the merchant's net is
 * never negative).
 */
export function commissionFor(rule: CommissionRule, amount: number): number {
  let fee = percentOfBasisPoints(amount, rule.percentBps) + rule.fixedAmount;
  if (rule.minAmount !== null) fee = Math.max(fee, rule.minAmount);
  if (rule.maxAmount !== null) fee = Math.min(fee, rule.maxAmount);
  return Math.min(fee, amount);
}

export function specificity(rule: Pick<CommissionRule, CommissionScopeField>): number {
  return COMMISSION_SCOPE_FIELDS.filter((field) => rule[field] !== null).length;
}

function matches(rule: CommissionRule, subject: CommissionSubject): boolean {
  return COMMISSION_SCOPE_FIELDS.every((field) => rule[field] === null || rule[field] === subject[field]);
}

/**
 * The rule a payment is charged under: the most specific rule whose scope admits it (the one naming most of
 * merchant, provider, method, currency). A validated rule set never has two equally specific matches; if one
 * slips through it is refused rather than picked arbitrarily.
 */
export function selectCommissionRule<R extends CommissionRule>(rules: readonly R[], subject: CommissionSubject): R {
  let best: R[] = [];
  let bestRank = -1;
  for (const rule of rules) {
    if (!matches(rule, subject)) continue;
    const rank = specificity(rule);
    if (rank > bestRank) [best, bestRank] = [[rule], rank];
    else if (rank === bestRank) best.push(rule);
  }
  if (best.length === 0) throw new LedgerError('no_commission_rule', 'no commission rule applies to this payment');
  if (best.length > 1) {
    throw new LedgerError(
      'ambiguous_commission_rules',
      `${best.length} commission rules apply equally to this payment`,
    );
  }
  return best[0];
}

const scopeKey = (rule: Pick<CommissionRule, CommissionScopeField>): string =>
  COMMISSION_SCOPE_FIELDS.map((field) => rule[field] ?? '*').join('|');

function describeScope(rule: Pick<CommissionRule, CommissionScopeField>): string {
  const parts = COMMISSION_SCOPE_FIELDS.filter((f) => rule[f] !== null).map((f) => `${f}=${String(rule[f])}`);
  return parts.length ? parts.join(', ') : 'the default scope';
}

/** Two scopes that can both admit one payment: on every field they agree or one of them is open. */
function overlap(a: CommissionRule, b: CommissionRule): boolean {
  return COMMISSION_SCOPE_FIELDS.every((f) => a[f] === null || b[f] === null || a[f] === b[f]);
}

function merged(a: CommissionRule, b: CommissionRule): Pick<CommissionRule, CommissionScopeField> {
  return {
    merchantId: a.merchantId ?? b.merchantId,
    provider: a.provider ?? b.provider,
    method: a.method ?? b.method,
    currency: a.currency ?? b.currency,
  };
}

/**
 * Checks one rule's values; throws a LedgerError naming the field (`rules[i].maxAmount`) on the first problem.
 */
export function validateCommissionRule(rule: CommissionRule, path = 'rule'): void {
  const bad = (field: string, message: string): never => {
    throw new LedgerError('invalid_commission_rule', message, `${path}.${field}`);
  };
  const amount = (field: 'fixedAmount' | 'minAmount' | 'maxAmount', value: number | null): void => {
    if (value === null) return;
    if (!Number.isSafeInteger(value) || value < 0 || value > COMMISSION_LIMITS.maxFixedAmount) {
      bad(field, `${field} must be an integer from 0 to ${COMMISSION_LIMITS.maxFixedAmount} minor units`);
    }
  };
  if (
    !Number.isSafeInteger(rule.percentBps) ||
    rule.percentBps < 0 ||
    rule.percentBps > COMMISSION_LIMITS.maxPercentBps
  ) {
    bad('percentBps', `percentBps must be an integer from 0 to ${COMMISSION_LIMITS.maxPercentBps} (50 %)`);
  }
  amount('fixedAmount', rule.fixedAmount);
  amount('minAmount', rule.minAmount);
  amount('maxAmount', rule.maxAmount);
  if (rule.minAmount !== null && rule.maxAmount !== null && rule.minAmount > rule.maxAmount) {
    bad('maxAmount', 'maxAmount must not be below minAmount');
  }
  if (rule.currency !== null && !isCurrency(rule.currency))
    bad('currency', `${String(rule.currency)} is not a supported currency`);
}

/**
 * Checks a whole rule set before it replaces the current one: every rule is sane, exactly one default rule
 * exists (every payment gets a commission), no two rules have the same scope, and no payment can match two
 * rules of equal specificity. Two overlapping rules of equal rank are fine only when a rule for exactly their
 * combined scope exists: it is more specific than both, so it decides every payment in the overlap.
 */
export function validateCommissionRuleSet(rules: readonly CommissionRule[]): void {
  rules.forEach((rule, i) => validateCommissionRule(rule, `rules[${i}]`));
  if (!rules.some((rule) => specificity(rule) === 0)) {
    throw new LedgerError(
      'invalid_commission_rule',
      'the rule set needs a default rule (no merchantId, provider, method or currency)',
      'rules',
    );
  }
  const byScope = new Map<string, number>();
  rules.forEach((rule, i) => {
    const key = scopeKey(rule);
    const earlier = byScope.get(key);
    if (earlier !== undefined) {
      throw new LedgerError(
        'ambiguous_commission_rules',
        `rules[${earlier}] and rules[${i}] both apply to ${describeScope(rule)}`,
        `rules[${i}]`,
      );
    }
    byScope.set(key, i);
  });
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      const [a, b] = [rules[i], rules[j]];
      if (specificity(a) !== specificity(b) || !overlap(a, b)) continue;
      if (!byScope.has(scopeKey(merged(a, b)))) {
        throw new LedgerError(
          'ambiguous_commission_rules',
          `rules[${i}] (${describeScope(a)}) and rules[${j}] (${describeScope(b)}) are equally specific for ` +
            `payments with ${describeScope(merged(a, b))}; add a rule for that scope or narrow one of them`,
          `rules[${j}]`,
        );
      }
    }
  }
}

import type { CommissionRuleInput, CommissionRuleView } from '@lsp/contracts';
import { GATEWAY_PROVIDERS, PAYMENT_METHODS } from '@lsp/contracts';

/** One rule as the editor holds it: every field a string from an input, '' meaning "any" or "none". */
export interface CommissionRuleDraft {
  merchantId: string;
  provider: string;
  method: string;
  currency: string;
  percentBps: string;
  fixedAmount: string;
  minAmount: string;
  maxAmount: string;
}

export type RuleField = keyof CommissionRuleDraft;

export const RULE_FIELDS: readonly RuleField[] = [
  'merchantId',
  'provider',
  'method',
  'currency',
  'percentBps',
  'fixedAmount',
  'minAmount',
  'maxAmount',
];

export const EMPTY_RULE: CommissionRuleDraft = {
  merchantId: '',
  provider: '',
  method: '',
  currency: '',
  percentBps: '0',
  fixedAmount: '0',
  minAmount: '',
  maxAmount: '',
};

export function draftOf(rule: Omit<CommissionRuleView, 'id'>): CommissionRuleDraft {
  const text = (value: number | null): string => (value === null ? '' : String(value));
  return {
    merchantId: rule.merchantId ?? '',
    provider: rule.provider ?? '',
    method: rule.method ?? '',
    currency: rule.currency ?? '',
    percentBps: String(rule.percentBps),
    fixedAmount: String(rule.fixedAmount),
    minAmount: text(rule.minAmount),
    maxAmount: text(rule.maxAmount),
  };
}

const INTEGER = /^\d+$/;

/**
 * The request body of one draft. Only what the browser can tell for sure is checked here (a whole number, a
 * known provider); ranges, overlaps and the one default rule are the API's to judge, and its answer is shown
 * on the field it names.
 */
export function ruleInputOf(draft: CommissionRuleDraft): CommissionRuleInput {
  const optionalInt = (value: string): number | null => (value.trim() === '' ? null : Number(value.trim()));
  const provider = GATEWAY_PROVIDERS.find((p) => p === draft.provider) ?? null;
  const method = PAYMENT_METHODS.find((m) => m === draft.method) ?? null;
  return {
    merchantId: draft.merchantId.trim() || null,
    provider,
    method,
    currency: draft.currency.trim().toUpperCase() || null,
    percentBps: Number(draft.percentBps.trim()),
    fixedAmount: optionalInt(draft.fixedAmount) ?? 0,
    minAmount: optionalInt(draft.minAmount),
    maxAmount: optionalInt(draft.maxAmount),
  };
}

/** Problems the browser can see before asking the API: field → message. */
export function localProblems(draft: CommissionRuleDraft): Partial<Record<RuleField, string>> {
  const problems: Partial<Record<RuleField, string>> = {};
  if (!INTEGER.test(draft.percentBps.trim())) {
    problems.percentBps = 'Whole basis points, e.g. 250 for 2.50 %.';
  }
  for (const field of ['fixedAmount', 'minAmount', 'maxAmount'] as const) {
    const value = draft[field].trim();
    if (value !== '' && !INTEGER.test(value)) {
      problems[field] = 'Whole minor units, e.g. 300 for ₹3.00.';
    }
  }
  if (draft.merchantId.trim() !== '' && !/^mer_[0-9A-Za-z]+$/.test(draft.merchantId.trim())) {
    problems.merchantId = 'A merchant id starts with mer_.';
  }
  if (draft.currency.trim() !== '' && !/^[A-Za-z]{3}$/.test(draft.currency.trim())) {
    problems.currency = 'Three letters, e.g. INR.';
  }
  return problems;
}

/**
 * Where an API error about a rule set belongs: `rules.2.maxAmount` → row 2, field maxAmount; `rules.2` → row 2
 * as a whole; `rules` (or anything else) → the set as a whole.
 */
export function locateRuleParam(param: string | null): { index: number | null; field: RuleField | null } {
  const match = param ? /^rules(?:\.(\d+)(?:\.(\w+))?)?$/.exec(param) : null;
  if (!match) {
    return { index: null, field: null };
  }
  const index = match[1] === undefined ? null : Number(match[1]);
  const field = RULE_FIELDS.find((f) => f === match[2]) ?? null;
  return { index, field };
}

/** "merchant mer_… · upi · INR", or "every payment" for the default rule. */
export function describeRuleScope(
  rule: Pick<CommissionRuleView, 'merchantId' | 'provider' | 'method' | 'currency'>,
): string {
  const parts = [
    rule.merchantId ? `merchant ${rule.merchantId}` : null,
    rule.provider,
    rule.method,
    rule.currency,
  ].filter((part): part is string => part !== null && part !== '');
  return parts.length === 0 ? 'every payment (default)' : parts.join(' · ');
}

/** API.md §7: wallets, statements, commission rules, trial balance, reconciliation. Amounts in minor units. */

export type WalletAccountKind = 'merchant_pending' | 'merchant_available' | 'merchant_settled';

/** One currency of a merchant's wallet; never summed across currencies. */
export interface WalletBalance {
  currency: string;
  /** Captured, not yet past the settlement cut-off. */
  pending: number;
  /** Due in the next settlement. */
  available: number;
  /** Paid out so far. */
  settled: number;
  /** Low-balance alert threshold on `available`, when one is set. */
  lowBalanceThreshold: number | null;
}

export interface WalletView {
  object: 'wallet';
  merchantId: string;
  merchantName: string;
  balances: WalletBalance[];
}

/** One entry on one of the merchant's wallet accounts, newest first. */
export interface StatementLine {
  id: string;
  object: 'statement_line';
  journalId: string;
  type: 'capture' | 'refund' | 'release' | 'settlement' | 'adjustment';
  account: WalletAccountKind;
  currency: string;
  /** Change of the account's balance: positive adds to it, negative takes from it. */
  amount: number;
  balanceAfter: number;
  paymentId: string | null;
  refundId: string | null;
  createdAt: string;
}

export interface CommissionRuleInput {
  merchantId?: string | null;
  provider?: 'sandbox' | 'razorpay' | 'phonepe' | null;
  method?: 'upi' | 'card' | 'netbanking' | 'wallet' | null;
  currency?: string | null;
  /** 250 = 2.5 %; 0..5000. */
  percentBps: number;
  fixedAmount?: number;
  minAmount?: number | null;
  maxAmount?: number | null;
}

export interface CommissionRuleView {
  id: string;
  merchantId: string | null;
  provider: string | null;
  method: string | null;
  currency: string | null;
  percentBps: number;
  fixedAmount: number;
  minAmount: number | null;
  maxAmount: number | null;
}

export interface CommissionRuleSetView {
  object: 'commission_rule_set';
  version: number;
  createdBy: string | null;
  createdAt: string;
  rules: CommissionRuleView[];
}

export interface CommissionPreviewRequest {
  amount: number;
  currency: string;
  merchantId: string;
  provider: 'sandbox' | 'razorpay' | 'phonepe';
  method: 'upi' | 'card' | 'netbanking' | 'wallet';
  /** Preview a rule set before saving it; the current one when absent. */
  rules?: CommissionRuleInput[];
}

export interface CommissionPreview {
  object: 'commission_preview';
  amount: number;
  currency: string;
  commission: number;
  net: number;
  /** The rule that applies; `id` and `version` are null for a draft set. */
  rule: Omit<CommissionRuleView, 'id'> & { id: string | null };
  version: number | null;
}

export interface TrialBalanceAccount {
  accountId: string;
  kind: string;
  currency: string;
  merchantId: string | null;
  normalSide: 'credit' | 'debit';
  balance: number;
  debits: number;
  credits: number;
}

export interface TrialBalanceView {
  object: 'trial_balance';
  balanced: boolean;
  totals: { currency: string; debits: number; credits: number; balanced: boolean }[];
  accounts: TrialBalanceAccount[];
  generatedAt: string;
}

export interface ReconciliationRunView {
  id: string;
  trigger: 'schedule' | 'manual';
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  checks: { check: string; ok: boolean; breaks: number }[];
  breaks: { check: string; subject: string; message: string }[];
}

export interface ReconciliationReportView {
  object: 'reconciliation_report';
  /** The latest recorded run of the nightly job, null before its first run. */
  latest: ReconciliationRunView | null;
  /** The same checks run now, on request (`?live=true`). */
  live: {
    ok: boolean;
    checks: { check: string; ok: boolean; breaks: { subject: string; message: string }[] }[];
  } | null;
}

/**
 * The chart of accounts. Every account is in one currency; balances are never summed across currencies.
 *
 * Entries carry a signed amount, positive = credit, negative = debit, so "a journal balances" is simply "its
 * entries sum to zero per currency". An account's balance is shown on its normal side: a credit-normal account
 * (what the platform owes a merchant, its revenue) grows with credits, a debit-normal account (money the gateways
 * hold for us, expenses) grows with debits. Hence `balance = normalSign × Σ entry amounts`.
 */
export const MERCHANT_ACCOUNT_KINDS = ['merchant_pending', 'merchant_available', 'merchant_settled'] as const;
export const PLATFORM_ACCOUNT_KINDS = ['platform_commission', 'gateway_clearing', 'platform_fees'] as const;
export const ACCOUNT_KINDS = [...MERCHANT_ACCOUNT_KINDS, ...PLATFORM_ACCOUNT_KINDS] as const;

export type MerchantAccountKind = (typeof MERCHANT_ACCOUNT_KINDS)[number];
export type PlatformAccountKind = (typeof PLATFORM_ACCOUNT_KINDS)[number];
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export type NormalSide = 'credit' | 'debit';

export interface AccountKindRule {
  normalSide: NormalSide;
  /** Merchant accounts belong to one merchant; platform accounts to none. */
  owner: 'merchant' | 'platform';
  /** False where a negative balance would mean money paid out that nobody had (the database CHECKs it too). */
  mayGoNegative: boolean;
}

export const ACCOUNT_KIND_RULES: Readonly<Record<AccountKind, AccountKindRule>> = {
  // Owed to the merchant, not yet past its settlement cut-off.
  merchant_pending: { normalSide: 'credit', owner: 'merchant', mayGoNegative: false },
  // Owed to the merchant and due in its next settlement.
  merchant_available: { normalSide: 'credit', owner: 'merchant', mayGoNegative: false },
  // Paid out to the merchant (cumulative).
  merchant_settled: { normalSide: 'credit', owner: 'merchant', mayGoNegative: false },
  // Commission earned by the platform.
  platform_commission: { normalSide: 'credit', owner: 'platform', mayGoNegative: false },
  // Captured money the gateways hold for the platform until they remit it.
  gateway_clearing: { normalSide: 'debit', owner: 'platform', mayGoNegative: false },
  // Fees the gateways charge the platform.
  platform_fees: { normalSide: 'debit', owner: 'platform', mayGoNegative: false },
};

export function isAccountKind(value: unknown): value is AccountKind {
  return typeof value === 'string' && (ACCOUNT_KINDS as readonly string[]).includes(value);
}

export function isMerchantAccountKind(kind: AccountKind): kind is MerchantAccountKind {
  return ACCOUNT_KIND_RULES[kind].owner === 'merchant';
}

/** +1 for credit-normal accounts, −1 for debit-normal ones: `balance = normalSign × Σ entry amounts`. */
export function normalSign(kind: AccountKind): 1 | -1 {
  return ACCOUNT_KIND_RULES[kind].normalSide === 'credit' ? 1 : -1;
}

/** The change of an account's (normal-side) balance caused by one entry amount (credit-positive). */
export function balanceDelta(kind: AccountKind, entryAmount: number): number {
  return normalSign(kind) * entryAmount;
}

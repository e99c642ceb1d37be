import type { TrialBalanceAccount } from '@lsp/contracts';

const KIND_LABELS: Record<string, string> = {
  merchant_pending: 'Merchant pending',
  merchant_available: 'Merchant available',
  merchant_settled: 'Merchant settled',
  gateway_clearing: 'Gateway clearing',
  platform_commission: 'Commission revenue',
  platform_fees: 'Fees',
};

/** "Merchant pending", or the raw kind with spaces for an account kind this console does not know yet. */
export function accountLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind.replace(/_/g, ' ');
}

/** Per currency, platform accounts first, then merchants' by id and kind: the order an accountant scans. */
export function sortTrialBalanceAccounts(accounts: readonly TrialBalanceAccount[]): TrialBalanceAccount[] {
  return [...accounts].sort(
    (a, b) =>
      a.currency.localeCompare(b.currency) ||
      Number(a.merchantId !== null) - Number(b.merchantId !== null) ||
      (a.merchantId ?? '').localeCompare(b.merchantId ?? '') ||
      a.kind.localeCompare(b.kind),
  );
}

import type { StatementLine, WalletAccountKind } from '@lsp/contracts';

/** Wallet accounts as finance names them. */
export const WALLET_ACCOUNT_LABELS: Record<WalletAccountKind, string> = {
  merchant_pending: 'Pending',
  merchant_available: 'Available',
  merchant_settled: 'Settled',
};

export const STATEMENT_TYPE_LABELS: Record<StatementLine['type'], string> = {
  capture: 'Capture',
  refund: 'Refund',
  release: 'Released for settlement',
  settlement: 'Settlement',
  adjustment: 'Adjustment',
};

/**
 * Basis points as a percentage, exactly: 250 → "2.50 %", 5 → "0.05 %". Integer arithmetic, so no binary
 * fraction ever shows up as "2.4999…".
 */
export function formatBasisPoints(bps: number): string {
  if (!Number.isSafeInteger(bps)) {
    return '—';
  }
  const sign = bps < 0 ? '−' : '';
  const abs = Math.abs(bps);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')} %`;
}

/** Sign of a ledger movement as text, so a colour is never the only cue: +₹10.00 / −₹10.00. */
export function signedMoney(formatted: (abs: number) => string, amount: number): string {
  if (amount === 0) {
    return formatted(0);
  }
  return `${amount > 0 ? '+' : '−'}${formatted(Math.abs(amount))}`;
}

/** A `yyyy-mm-dd` date input as the start of that day in the operator's time zone. */
export function startOfDayIso(day: string): string | undefined {
  return day ? new Date(`${day}T00:00:00`).toISOString() : undefined;
}

/** The instant just after that day ends, for exclusive `to`/`createdTo` bounds. */
export function endOfDayIso(day: string): string | undefined {
  if (!day) {
    return undefined;
  }
  const next = new Date(`${day}T00:00:00`);
  next.setDate(next.getDate() + 1);
  return next.toISOString();
}

/** A `datetime-local` input value (local wall time) as an ISO instant; undefined when empty or invalid. */
export function localDateTimeToIso(value: string): string | undefined {
  if (!value) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

import type { PaymentView } from '@lsp/contracts';

/** One line of the live ticker: the latest known state of a payment. */
export interface TickerEntry {
  paymentId: string;
  merchantId: string;
  amount: number;
  currency: string;
  method: string;
  status: string;
  /** When the event that last changed this line happened. */
  at: string;
  updatedAt: string;
}

export const TICKER_LENGTH = 12;

/**
 * Applies one payment event to the ticker, newest first. A payment keeps one line that moves to the top as it
 * changes; events arrive at least once and not always in order, so an older snapshot never overwrites a newer.
 */
export function applyTickerEvent(
  entries: readonly TickerEntry[],
  payment: PaymentView,
  occurredAt: string,
): TickerEntry[] {
  const existing = entries.find((e) => e.paymentId === payment.id);
  if (existing && existing.updatedAt > payment.updatedAt) {
    return [...entries];
  }
  const entry: TickerEntry = {
    paymentId: payment.id,
    merchantId: payment.merchantId,
    amount: payment.amount,
    currency: payment.currency,
    method: payment.method,
    status: payment.status,
    at: occurredAt,
    updatedAt: payment.updatedAt,
  };
  return [entry, ...entries.filter((e) => e.paymentId !== payment.id)].slice(0, TICKER_LENGTH);
}

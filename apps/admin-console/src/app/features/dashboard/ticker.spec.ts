import type { PaymentView } from '@lsp/contracts';
import { TICKER_LENGTH, applyTickerEvent } from './ticker';

function payment(id: string, status: PaymentView['status'], updatedAt: string): PaymentView {
  return {
    id,
    object: 'payment',
    merchantId: 'mer_1',
    amount: 10000,
    currency: 'INR',
    method: 'upi',
    status,
    description: null,
    customer: null,
    returnUrl: null,
    gateway: null,
    gatewayReference: null,
    amountRefunded: 0,
    attempts: [],
    metadata: {},
    needsReview: false,
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt,
  } as PaymentView;
}

describe('applyTickerEvent', () => {
  it('puts the newest change on top and keeps one line per payment', () => {
    let entries = applyTickerEvent([], payment('pay_1', 'pending', '2026-11-26T10:00:00Z'), '2026-11-26T10:00:00Z');
    entries = applyTickerEvent(entries, payment('pay_2', 'pending', '2026-11-26T10:00:01Z'), '2026-11-26T10:00:01Z');
    entries = applyTickerEvent(entries, payment('pay_1', 'captured', '2026-11-26T10:00:02Z'), '2026-11-26T10:00:02Z');
    expect(entries.map((e) => [e.paymentId, e.status])).toEqual([
      ['pay_1', 'captured'],
      ['pay_2', 'pending'],
    ]);
  });

  it('ignores a late, older snapshot of a payment already shown', () => {
    const entries = applyTickerEvent([], payment('pay_1', 'captured', '2026-11-26T10:00:02Z'), '2026-11-26T10:00:02Z');
    const after = applyTickerEvent(
      entries,
      payment('pay_1', 'pending', '2026-11-26T10:00:00Z'),
      '2026-11-26T10:00:00Z',
    );
    expect(after.map((e) => e.status)).toEqual(['captured']);
  });

  it(`keeps the last ${TICKER_LENGTH} payments`, () => {
    let entries = applyTickerEvent([], payment('pay_0', 'pending', '2026-11-26T10:00:00Z'), '2026-11-26T10:00:00Z');
    for (let i = 1; i <= TICKER_LENGTH + 3; i++) {
      entries = applyTickerEvent(
        entries,
        payment(`pay_${i}`, 'pending', '2026-11-26T10:00:00Z'),
        '2026-11-26T10:00:00Z',
      );
    }
    expect(entries).toHaveLength(TICKER_LENGTH);
    expect(entries[0]?.paymentId).toBe(`pay_${TICKER_LENGTH + 3}`);
  });
});

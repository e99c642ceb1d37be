import { JournalBuilder, type AccountRef } from './journal-builder';
import { balanceDelta } from './ledger-accounts';
import { LedgerError } from './ledger-error';

const M = 'mer_01JAAAAAAAAAAAAAAAAAAAAAAA';
const pending: AccountRef = { kind: 'merchant_pending', currency: 'INR', merchantId: M };
const commission: AccountRef = { kind: 'platform_commission', currency: 'INR', merchantId: null };
const clearing: AccountRef = { kind: 'gateway_clearing', currency: 'INR', merchantId: null };
const clearingUsd: AccountRef = { kind: 'gateway_clearing', currency: 'USD', merchantId: null };
const pendingUsd: AccountRef = { kind: 'merchant_pending', currency: 'USD', merchantId: M };

describe('JournalBuilder', () => {
  it('builds a capture journal whose legs sum to zero, credits positive and debits negative', () => {
    const journal = new JournalBuilder('capture', 'capture:pay_1', M)
      .debit(clearing, 10_000)
      .credit(pending, 9_764)
      .credit(commission, 236)
      .build();
    expect(journal.legs.map((l) => l.amount)).toEqual([-10_000, 9_764, 236]);
    expect(journal.legs.reduce((s, l) => s + l.amount, 0)).toBe(0);
    // The gateway clearing account is an asset: the debit raises its balance.
    expect(balanceDelta('gateway_clearing', -10_000)).toBe(10_000);
    expect(balanceDelta('merchant_pending', 9_764)).toBe(9_764);
  });

  it('refuses a journal that does not balance, naming the currency', () => {
    const build = () =>
      new JournalBuilder('capture', 'capture:pay_2', M).debit(clearing, 100).credit(pending, 99).build();
    expect(build).toThrow(LedgerError);
    expect(build).toThrow(/does not balance in INR/);
  });

  it('balances per currency: a surplus in one currency never offsets a deficit in another', () => {
    const build = () =>
      new JournalBuilder('adjustment', 'adj:1', M)
        .debit(clearing, 100)
        .credit(pendingUsd, 100)
        .debit(clearingUsd, 50)
        .credit(pending, 50)
        .build();
    expect(build).toThrow(/does not balance/);
    const ok = new JournalBuilder('adjustment', 'adj:2', M)
      .debit(clearing, 100)
      .credit(pending, 100)
      .debit(clearingUsd, 7)
      .credit(pendingUsd, 7)
      .build();
    expect(ok.legs).toHaveLength(4);
  });

  it('drops zero legs and refuses a journal left with fewer than two', () => {
    const j = new JournalBuilder('capture', 'c', M).debit(clearing, 5).credit(pending, 5).credit(commission, 0).build();
    expect(j.legs).toHaveLength(2);
    expect(() => new JournalBuilder('capture', 'c', M).debit(clearing, 0).credit(pending, 0).build()).toThrow(
      /at least two accounts/,
    );
  });

  it.each([
    ['a fractional amount', () => new JournalBuilder('capture', 'c').debit(clearing, 1.5)],
    ['a negative amount', () => new JournalBuilder('capture', 'c').debit(clearing, -1)],
    [
      'a merchant account without merchant',
      () => new JournalBuilder('capture', 'c').credit({ ...pending, merchantId: null }, 1),
    ],
    [
      'a platform account with a merchant',
      () => new JournalBuilder('capture', 'c').credit({ ...clearing, merchantId: M }, 1),
    ],
    [
      'an unknown currency',
      () => new JournalBuilder('capture', 'c').credit({ ...clearing, currency: 'XXX' as 'INR' }, 1),
    ],
    ['an empty reference', () => new JournalBuilder('capture', '')],
  ])('refuses %s', (_, build) => {
    expect(build).toThrow();
  });
});

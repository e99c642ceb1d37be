import { type Currency, assertCurrency } from '../currency';
import { assertMinorUnits } from '../money';
import { type AccountKind, isMerchantAccountKind } from './ledger-accounts';
import { LedgerError } from './ledger-error';
import type { JournalType } from './journal-types';

/** Names one account: its kind and currency, and its merchant for merchant accounts. */
export interface AccountRef {
  kind: AccountKind;
  currency: Currency;
  merchantId: string | null;
}

/** One leg of a journal; `amount` is signed, positive = credit, negative = debit, never zero. */
export interface JournalLeg {
  account: AccountRef;
  amount: number;
}

export interface Journal {
  type: JournalType;
  /** The cause; unique across the ledger (replaying the cause posts nothing). */
  reference: string;
  merchantId: string | null;
  legs: readonly JournalLeg[];
}

export const accountKey = (a: AccountRef): string => `${a.kind}:${a.currency}:${a.merchantId ?? '-'}`;

/**
 * Builds a journal leg by leg and refuses, at `build()`, one that does not balance per currency: every currency's
 * credits equal its debits. The database checks the same at commit; checking here first gives a clear error
 * before any SQL runs.
 */
export class JournalBuilder {
  private readonly legs: JournalLeg[] = [];

  constructor(
    private readonly type: JournalType,
    private readonly reference: string,
    private readonly merchantId: string | null = null,
  ) {
    if (!reference || reference.length > 200) {
      throw new LedgerError('invalid_journal', 'a journal needs a reference of 1 to 200 characters');
    }
  }

  credit(account: AccountRef, amount: number): this {
    return this.leg(account, amount, 1);
  }

  debit(account: AccountRef, amount: number): this {
    return this.leg(account, amount, -1);
  }

  /** Adds nothing for a zero amount (e.g. a commission of 0): a zero leg carries no information. */
  private leg(account: AccountRef, amount: number, sign: 1 | -1): this {
    assertMinorUnits(amount, `amount of ${accountKey(account)}`);
    if (amount < 0) throw new LedgerError('invalid_journal', `leg amounts are positive; got ${amount}`);
    assertCurrency(account.currency);
    if (isMerchantAccountKind(account.kind) !== (account.merchantId !== null)) {
      throw new LedgerError(
        'invalid_journal',
        `${account.kind} ${account.merchantId === null ? 'needs' : 'takes no'} merchant`,
      );
    }
    if (amount !== 0) this.legs.push({ account, amount: sign * amount });
    return this;
  }

  build(): Journal {
    if (this.legs.length < 2) {
      throw new LedgerError('invalid_journal', `a journal moves money between at least two accounts`);
    }
    const sums = new Map<string, number>();
    for (const leg of this.legs) sums.set(leg.account.currency, (sums.get(leg.account.currency) ?? 0) + leg.amount);
    for (const [currency, sum] of sums) {
      if (sum !== 0) {
        throw new LedgerError(
          'unbalanced_journal',
          `journal ${this.reference} does not balance in ${currency}: credits exceed debits by ${sum}`,
        );
      }
    }
    return { type: this.type, reference: this.reference, merchantId: this.merchantId, legs: [...this.legs] };
  }
}

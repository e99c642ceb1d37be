import type { TrialBalanceAccount } from '@lsp/contracts';
import { accountLabel, sortTrialBalanceAccounts } from './trial-balance';

const account = (over: Partial<TrialBalanceAccount>): TrialBalanceAccount => ({
  accountId: 'acc',
  kind: 'merchant_pending',
  currency: 'INR',
  merchantId: null,
  normalSide: 'credit',
  balance: 0,
  debits: 0,
  credits: 0,
  ...over,
});

describe('trial balance', () => {
  it('orders by currency, platform accounts before merchants, then merchant and kind', () => {
    const sorted = sortTrialBalanceAccounts([
      account({ accountId: 'usd', currency: 'USD', kind: 'gateway_clearing' }),
      account({ accountId: 'm2', merchantId: 'mer_B', kind: 'merchant_available' }),
      account({ accountId: 'm1p', merchantId: 'mer_A', kind: 'merchant_pending' }),
      account({ accountId: 'm1a', merchantId: 'mer_A', kind: 'merchant_available' }),
      account({ accountId: 'gc', kind: 'gateway_clearing' }),
    ]);
    expect(sorted.map((a) => a.accountId)).toEqual(['gc', 'm1a', 'm1p', 'm2', 'usd']);
  });

  it('names account kinds, and still shows one it does not know', () => {
    expect(accountLabel('platform_commission')).toBe('Commission revenue');
    expect(accountLabel('suspense_holding')).toBe('suspense holding');
  });
});

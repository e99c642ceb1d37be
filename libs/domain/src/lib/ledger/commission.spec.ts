import fc from 'fast-check';
import {
  type CommissionRule,
  commissionFor,
  selectCommissionRule,
  validateCommissionRule,
  validateCommissionRuleSet,
} from './commission';
import { type LedgerError } from './ledger-error';

const M1 = 'mer_01JAAAAAAAAAAAAAAAAAAAAAAA';
const M2 = 'mer_01JBBBBBBBBBBBBBBBBBBBBBBB';

const rule = (overrides: Partial<CommissionRule> = {}): CommissionRule => ({
  merchantId: null,
  provider: null,
  method: null,
  currency: null,
  percentBps: 200,
  fixedAmount: 0,
  minAmount: null,
  maxAmount: null,
  ...overrides,
});

function errorOf(fn: () => void): LedgerError {
  try {
    fn();
  } catch (e) {
    return e as LedgerError;
  }
  throw new Error('expected an error');
}

describe('commissionFor', () => {
  it.each([
    // 2 % of 10000 = 200
    [rule({ percentBps: 200 }), 10_000, 200],
    // 2.36 % of 10000 = 236
    [rule({ percentBps: 236 }), 10_000, 236],
    // 1.75 % of 30 = 0.525 → half-up 1
    [rule({ percentBps: 175 }), 30, 1],
    // 1.5 % of 100 = 1.5 → 2 (half-up), plus fixed 30
    [rule({ percentBps: 150, fixedAmount: 30 }), 100, 32],
    // 2 % of 24 = 0.48 → 0
    [rule({ percentBps: 200 }), 24, 0],
    // 2 % of 25 = 0.5 → 1
    [rule({ percentBps: 200 }), 25, 1],
    // min raises, max lowers
    [rule({ percentBps: 100, minAmount: 500 }), 10_000, 500],
    [rule({ percentBps: 300, maxAmount: 1_000 }), 1_000_000, 1_000],
    // never more than the amount: the merchant's net is never negative
    [rule({ percentBps: 0, fixedAmount: 500 }), 300, 300],
    // large amounts stay exact
    [rule({ percentBps: 199 }), 9_007_199_254_740, 179_243_265_169],
  ])('%o on %d = %d', (r, amount, fee) => {
    expect(commissionFor(r, amount)).toBe(fee);
  });

  it('is an integer within [0, amount] and matches an exact BigInt half-up computation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (amount, bps, fixed) => {
          const fee = commissionFor(rule({ percentBps: bps, fixedAmount: fixed }), amount);
          const exact = Number((BigInt(2) * BigInt(amount) * BigInt(bps) + BigInt(10_000)) / BigInt(20_000)) + fixed;
          expect(fee).toBe(Math.min(exact, amount));
          expect(Number.isSafeInteger(fee)).toBe(true);
        },
      ),
    );
  });
});

describe('selectCommissionRule', () => {
  const rules = [
    rule({ percentBps: 200 }),
    rule({ merchantId: M1, percentBps: 150 }),
    rule({ method: 'upi', percentBps: 0 }),
    rule({ merchantId: M1, method: 'upi', percentBps: 50 }),
    rule({ merchantId: M1, method: 'upi', provider: 'razorpay', percentBps: 40 }),
  ];
  const subject = { merchantId: M1, provider: 'sandbox', method: 'card', currency: 'INR' as const };

  it.each([
    [subject, 150],
    [{ ...subject, merchantId: M2 }, 200],
    [{ ...subject, merchantId: M2, method: 'upi' }, 0],
    [{ ...subject, method: 'upi' }, 50],
    [{ ...subject, method: 'upi', provider: 'razorpay' }, 40],
  ])('charges %o under the most specific rule (%d bps)', (s, bps) => {
    expect(selectCommissionRule(rules, s).percentBps).toBe(bps);
  });

  it('refuses to choose between equally specific rules', () => {
    const ambiguous = [rule(), rule({ merchantId: M1 }), rule({ method: 'card' })];
    expect(errorOf(() => selectCommissionRule(ambiguous, subject)).code).toBe('ambiguous_commission_rules');
  });

  it('refuses when nothing applies', () => {
    expect(errorOf(() => selectCommissionRule([rule({ merchantId: M2 })], subject)).code).toBe('no_commission_rule');
  });
});

describe('validateCommissionRuleSet', () => {
  it('accepts a default plus non-overlapping or covered rules', () => {
    expect(() =>
      validateCommissionRuleSet([
        rule(),
        rule({ merchantId: M1 }),
        rule({ merchantId: M2 }),
        rule({ method: 'upi' }),
        rule({ merchantId: M1, method: 'upi' }),
        rule({ currency: 'USD', merchantId: M2, percentBps: 300 }),
        rule({ method: 'upi', currency: 'USD' }),
      ]),
    ).toThrow(/equally specific/);
    expect(() =>
      validateCommissionRuleSet([
        rule(),
        rule({ merchantId: M1 }),
        rule({ merchantId: M2 }),
        rule({ method: 'upi' }),
        rule({ merchantId: M1, method: 'upi' }),
        rule({ merchantId: M2, method: 'upi' }),
      ]),
    ).not.toThrow();
  });

  it('rejects an overlap of equally specific rules without a rule for the overlap, naming the later rule', () => {
    const e = errorOf(() => validateCommissionRuleSet([rule(), rule({ merchantId: M1 }), rule({ method: 'upi' })]));
    expect(e.code).toBe('ambiguous_commission_rules');
    expect(e.field).toBe('rules[2]');
    expect(e.message).toMatch(/merchantId=mer_01JAAAAAAAAAAAAAAAAAAAAAAA, method=upi/);
  });

  it('rejects two rules for the same scope', () => {
    const e = errorOf(() => validateCommissionRuleSet([rule(), rule({ method: 'upi' }), rule({ method: 'upi' })]));
    expect(e).toMatchObject({ code: 'ambiguous_commission_rules', field: 'rules[2]' });
  });

  it('requires a default rule', () => {
    expect(errorOf(() => validateCommissionRuleSet([rule({ merchantId: M1 })])).field).toBe('rules');
  });

  it('agrees with selectCommissionRule: a valid set never leaves a payment ambiguous', () => {
    const scopes = fc.record({
      merchantId: fc.constantFrom(null, M1, M2),
      provider: fc.constantFrom(null, 'sandbox', 'razorpay'),
      method: fc.constantFrom(null, 'upi', 'card'),
      currency: fc.constantFrom(null, 'INR' as const, 'USD' as const),
    });
    fc.assert(
      fc.property(
        fc.array(scopes, { maxLength: 8 }),
        fc.array(scopes, { minLength: 1, maxLength: 10 }),
        (extra, subjects) => {
          const rules = [rule(), ...extra.map((s) => rule(s))];
          let valid = true;
          try {
            validateCommissionRuleSet(rules);
          } catch {
            valid = false;
          }
          if (!valid) return;
          for (const s of subjects) {
            const subject = {
              merchantId: s.merchantId ?? M1,
              provider: s.provider ?? 'phonepe',
              method: s.method ?? 'wallet',
              currency: s.currency ?? 'INR',
            };
            expect(() => selectCommissionRule(rules, subject)).not.toThrow();
          }
        },
      ),
    );
  });
});

describe('validateCommissionRule', () => {
  it.each([
    [{ percentBps: -1 }, 'r.percentBps'],
    [{ percentBps: 5_001 }, 'r.percentBps'],
    [{ percentBps: 1.5 }, 'r.percentBps'],
    [{ fixedAmount: -5 }, 'r.fixedAmount'],
    [{ fixedAmount: 2.5 }, 'r.fixedAmount'],
    [{ minAmount: 1_000_000_001 }, 'r.minAmount'],
    [{ minAmount: 500, maxAmount: 100 }, 'r.maxAmount'],
    [{ currency: 'XYZ' as 'INR' }, 'r.currency'],
  ])('rejects %o naming %s', (overrides, field) => {
    const e = errorOf(() => validateCommissionRule(rule(overrides), 'r'));
    expect(e).toMatchObject({ code: 'invalid_commission_rule', field });
  });
});

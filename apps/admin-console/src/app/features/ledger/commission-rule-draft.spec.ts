import {
  EMPTY_RULE,
  describeRuleScope,
  draftOf,
  localProblems,
  locateRuleParam,
  ruleInputOf,
} from './commission-rule-draft';

describe('commission rule drafts', () => {
  it('round-trips a rule through the editor unchanged', () => {
    const rule = {
      merchantId: 'mer_01JB0000000000000000000000',
      provider: 'sandbox',
      method: 'upi',
      currency: 'INR',
      percentBps: 175,
      fixedAmount: 300,
      minAmount: 500,
      maxAmount: null,
    };
    expect(ruleInputOf(draftOf(rule))).toEqual(rule);
  });

  it('sends empty scope fields as "any" (null) and an empty fixed fee as 0', () => {
    expect(ruleInputOf({ ...EMPTY_RULE, percentBps: '200', fixedAmount: '' })).toEqual({
      merchantId: null,
      provider: null,
      method: null,
      currency: null,
      percentBps: 200,
      fixedAmount: 0,
      minAmount: null,
      maxAmount: null,
    });
  });

  it('upper-cases a currency typed in lower case', () => {
    expect(ruleInputOf({ ...EMPTY_RULE, currency: 'inr' }).currency).toBe('INR');
  });

  it.each([
    ['percentBps', '2.5'],
    ['percentBps', ''],
    ['fixedAmount', '3.00'],
    ['minAmount', '-1'],
    ['maxAmount', '1e3'],
    ['merchantId', 'merchant-1'],
    ['currency', 'RUPEE'],
  ] as const)('flags %s = %j before asking the API', (field, value) => {
    expect(localProblems({ ...EMPTY_RULE, [field]: value })[field]).toEqual(expect.any(String));
  });

  it('leaves ranges and overlaps to the API', () => {
    expect(localProblems({ ...EMPTY_RULE, percentBps: '999999', minAmount: '500', maxAmount: '100' })).toEqual({});
  });

  it.each([
    ['rules.2.maxAmount', { index: 2, field: 'maxAmount' }],
    ['rules.0.percentBps', { index: 0, field: 'percentBps' }],
    ['rules.3', { index: 3, field: null }],
    ['rules', { index: null, field: null }],
    ['rules.1.bogus', { index: 1, field: null }],
    ['amount', { index: null, field: null }],
    [null, { index: null, field: null }],
  ])('places the API error param %j', (param, expected) => {
    expect(locateRuleParam(param)).toEqual(expected);
  });

  it('describes a rule’s scope, the default as "every payment"', () => {
    const none = { merchantId: null, provider: null, method: null, currency: null };
    expect(describeRuleScope(none)).toBe('every payment (default)');
    expect(describeRuleScope({ ...none, method: 'card', currency: 'INR' })).toBe('card · INR');
  });
});

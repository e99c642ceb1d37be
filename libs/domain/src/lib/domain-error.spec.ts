import { DomainError } from './domain-error';
import { MoneyError } from './money-error';
import { InvalidDomainEventError } from './payment-events';
import { PaymentNotCapturedError, RefundExceedsCapturedError } from './refund-amounts';
import { IllegalTransitionError } from './state-machine';
import { RefundNotCoveredError } from './ledger/refund-cover';

describe('DomainError', () => {
  // The API maps errors by code, so these codes are a published contract: change them only with API.md.
  it.each([
    [new IllegalTransitionError('payment', 'failed', 'captured'), 'illegal_transition'],
    [new RefundExceedsCapturedError(10, 5), 'refund_exceeds_captured'],
    [new PaymentNotCapturedError('pending'), 'payment_not_captured'],
    [new RefundNotCoveredError(1, 2, 'INR'), 'insufficient_funds'],
    [new MoneyError('currency_mismatch', 'x'), 'currency_mismatch'],
    [new InvalidDomainEventError('x'), 'invalid_domain_event'],
  ])('%p is a DomainError with code %s', (error, code) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
    expect(error.stack).toEqual(expect.any(String));
  });
});

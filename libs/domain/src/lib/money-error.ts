import { DomainError } from './domain-error';

export type MoneyErrorCode =
  | 'invalid_amount'
  | 'unknown_currency'
  | 'currency_mismatch'
  | 'overflow'
  | 'invalid_weights'
  | 'inconsistent_amounts';

/** A money rule was broken: a non-integer amount, mixed currencies, a result beyond exact integer range. */
export class MoneyError extends DomainError {
  constructor(
    readonly code: MoneyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

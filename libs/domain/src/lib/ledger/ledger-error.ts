import { DomainError } from '../domain-error';

export type LedgerErrorCode =
  | 'unbalanced_journal'
  | 'invalid_journal'
  | 'insufficient_funds'
  | 'invalid_commission_rule'
  | 'ambiguous_commission_rules'
  | 'no_commission_rule'
  | 'refund_exceeds_capture';

/** A ledger rule was broken: an unbalanced journal, an overdraft, an ambiguous or absurd commission rule. */
export class LedgerError extends DomainError {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    /** The offending field of the input, for API error objects (`rules[2].maxAmount`). */
    readonly field?: string,
  ) {
    super(message);
  }
}

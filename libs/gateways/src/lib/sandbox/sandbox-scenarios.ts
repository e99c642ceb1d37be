/**
 * API.md "The sandbox gateway": the outcome follows the amount's last two digits in minor units. Everything the
 * sandbox answers is a pure function of (amount, attempt number, attempt id), so any replica answers a status
 * query the same way and no state has to be shared or survive a restart.
 */
export type SandboxScenario =
  /** `00`–`49` and every ending not listed below */
  | 'captured'
  /** `51` */
  | 'card_declined'
  /** `52`: attempt 1 refused before acceptance, later attempts captured */
  | 'first_attempt_unavailable'
  /** `53`: pending, no callback, the status query answers succeeded */
  | 'pending_without_callback'
  /** `54`: pending, then a failure callback */
  | 'insufficient_funds'
  /** `55`: every attempt refused before acceptance */
  | 'always_unavailable'
  /** `56`: accepted, but the create call's answer is lost */
  | 'timeout_after_acceptance';

export function sandboxScenario(amount: number): SandboxScenario {
  switch (((amount % 100) + 100) % 100) {
    case 51:
      return 'card_declined';
    case 52:
      return 'first_attempt_unavailable';
    case 53:
      return 'pending_without_callback';
    case 54:
      return 'insufficient_funds';
    case 55:
      return 'always_unavailable';
    case 56:
      return 'timeout_after_acceptance';
    default:
      return 'captured';
  }
}

/** Refunds succeed at once unless the refund amount ends in `51`. */
export function sandboxRefundDeclined(amount: number): boolean {
  return ((amount % 100) + 100) % 100 === 51;
}

export const SANDBOX_ERROR_MESSAGES = {
  card_declined: 'The card was declined by the issuer (sandbox amount ending in 51).',
  insufficient_funds: 'The customer has insufficient funds (sandbox amount ending in 54).',
  gateway_unavailable: 'The sandbox gateway refused the request before accepting it (HTTP 503).',
  gateway_timeout: 'No answer from the sandbox gateway in time; it may have accepted the request.',
  refund_declined: 'The refund was declined (sandbox refund amount ending in 51).',
  invalid_request: 'The sandbox gateway rejected the request as invalid.',
  not_found: 'The sandbox gateway has no such object.',
} as const;

export type SandboxErrorCode = keyof typeof SANDBOX_ERROR_MESSAGES;

/** What the customer will see happen, in words, for the checkout page. */
export function describeSandboxScenario(scenario: SandboxScenario, attemptNumber?: number): string {
  switch (scenario) {
    case 'captured':
      return 'This payment will be captured.';
    case 'card_declined':
      return 'This payment will be declined (card_declined).';
    case 'first_attempt_unavailable':
      return attemptNumber === 1
        ? 'This first attempt is refused before acceptance (gateway_unavailable); a later attempt will be captured.'
        : 'This payment will be captured (an earlier attempt was refused before acceptance).';
    case 'pending_without_callback':
      return 'This payment stays pending: no callback is sent; a status query will find it captured.';
    case 'insufficient_funds':
      return 'This payment will fail with insufficient_funds.';
    case 'always_unavailable':
      return 'Every attempt of this payment is refused before acceptance (gateway_unavailable).';
    case 'timeout_after_acceptance':
      return 'The gateway accepted this payment but its answer was lost; a status query will find it captured.';
  }
}

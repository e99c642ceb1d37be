import { ATTEMPT_OUTCOMES, ATTEMPT_STATUSES, isAttemptOutcome, isAttemptStatus, mayFailOver } from './attempt-outcome';

describe('attempt outcomes', () => {
  it.each([
    ['succeeded', false],
    ['failed_permanent', false],
    ['failed_retryable', true],
    // The gateway may have accepted it: trying another could charge the customer twice.
    ['unknown', false],
  ] as const)('%s may fail over: %s', (outcome, expected) => {
    expect(mayFailOver(outcome)).toBe(expected);
  });

  it('lists every outcome, and pending as the one status that is not an outcome yet', () => {
    expect(ATTEMPT_OUTCOMES).toEqual(['succeeded', 'failed_permanent', 'failed_retryable', 'unknown']);
    expect(ATTEMPT_STATUSES).toEqual(['pending', ...ATTEMPT_OUTCOMES]);
    expect(isAttemptOutcome('pending')).toBe(false);
    expect(isAttemptStatus('pending')).toBe(true);
    expect(isAttemptOutcome('unknown')).toBe(true);
    expect(isAttemptStatus('failed')).toBe(false);
    expect(isAttemptOutcome(1)).toBe(false);
  });
});

import fc from 'fast-check';
import {
  CLOSED_CIRCUIT,
  type CircuitPolicy,
  type CircuitState,
  admitAttempt,
  circuitPhaseAt,
  forceOpen,
  recordOutcome,
} from './circuit-breaker';

const policy: CircuitPolicy = { failureThreshold: 3, cooldownMs: 1000, trialTtlMs: 500, failureWindowMs: 10_000 };

function fail(state: CircuitState, now: number, times: number): CircuitState {
  let s = state;
  for (let i = 0; i < times; i++) s = recordOutcome(s, 'failure', now, policy);
  return s;
}

describe('circuit breaker transitions', () => {
  it('opens after the threshold of consecutive failures, not before', () => {
    const two = fail(CLOSED_CIRCUIT, 0, 2);
    expect(two).toMatchObject({ phase: 'closed', failures: 2 });
    expect(admitAttempt(two, 0, policy).admitted).toBe(true);
    const three = recordOutcome(two, 'failure', 0, policy);
    expect(three).toMatchObject({ phase: 'open', openUntil: 1000 });
    expect(admitAttempt(three, 999, policy).admitted).toBe(false);
  });

  it('a success in between resets the count', () => {
    const s = recordOutcome(fail(CLOSED_CIRCUIT, 0, 2), 'success', 0, policy);
    expect(s).toEqual(CLOSED_CIRCUIT);
    expect(fail(s, 0, 2).phase).toBe('closed');
  });

  it('forgets failures older than the failure window', () => {
    const old = fail(CLOSED_CIRCUIT, 0, 2);
    expect(recordOutcome(old, 'failure', 10_001, policy)).toMatchObject({ phase: 'closed', failures: 1 });
  });

  it('is half-open after the cool-down and admits one trial at a time', () => {
    const open = fail(CLOSED_CIRCUIT, 0, 3);
    expect(circuitPhaseAt(open, 1000)).toBe('half_open');
    const first = admitAttempt(open, 1000, policy);
    expect(first).toMatchObject({ admitted: true, trial: true });
    expect(admitAttempt(first.next, 1200, policy).admitted).toBe(false);
    // A trial whose process died: after its TTL another one may go.
    expect(admitAttempt(first.next, 1500, policy)).toMatchObject({ admitted: true, trial: true });
  });

  it('a successful trial closes the circuit; a failed one reopens it for another cool-down', () => {
    const trial = admitAttempt(fail(CLOSED_CIRCUIT, 0, 3), 1000, policy).next;
    expect(recordOutcome(trial, 'success', 1100, policy)).toEqual(CLOSED_CIRCUIT);
    expect(recordOutcome(trial, 'failure', 1100, policy)).toMatchObject({ phase: 'open', openUntil: 2100 });
  });

  it('ignores late answers while open', () => {
    const open = fail(CLOSED_CIRCUIT, 0, 3);
    expect(recordOutcome(open, 'success', 10, policy)).toBe(open);
    expect(recordOutcome(open, 'failure', 10, policy)).toBe(open);
  });

  it('is opened by the health collector, without extending an open cool-down', () => {
    expect(forceOpen(CLOSED_CIRCUIT, 5, policy)).toMatchObject({ phase: 'open', openUntil: 1005 });
    const open = forceOpen(CLOSED_CIRCUIT, 0, policy);
    expect(forceOpen(open, 500, policy)).toBe(open);
    expect(forceOpen(open, 1000, policy)).toMatchObject({ phase: 'open', openUntil: 2000 });
  });

  it('never admits an attempt while open and never two overlapping trials (any event sequence)', () => {
    const event = fc.oneof(
      fc.record({ kind: fc.constant('admit' as const), dt: fc.nat(700) }),
      fc.record({ kind: fc.constantFrom('success' as const, 'failure' as const), dt: fc.nat(700) }),
      fc.record({ kind: fc.constant('force' as const), dt: fc.nat(700) }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        let state = CLOSED_CIRCUIT;
        let now = 0;
        for (const e of events) {
          now += e.dt;
          if (e.kind === 'admit') {
            const before = circuitPhaseAt(state, now);
            const r = admitAttempt(state, now, policy);
            if (before === 'open' && r.admitted) return false;
            if (r.trial && state.phase === 'half_open' && state.trialUntil !== null && now < state.trialUntil)
              return false;
            state = r.next;
          } else if (e.kind === 'force') {
            state = forceOpen(state, now, policy);
          } else {
            state = recordOutcome(state, e.kind, now, policy);
          }
          if (state.phase === 'closed' && state.failures >= policy.failureThreshold) return false;
        }
        return true;
      }),
    );
  });
});

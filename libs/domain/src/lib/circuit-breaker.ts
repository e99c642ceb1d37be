/**
 * The circuit breaker of one gateway, as a pure state machine (the Redis store in libs/payments keeps the state
 * and applies these transitions atomically, so every process shares one circuit):
 *
 *   closed ──(threshold consecutive failures, or the health collector marks it down)──▶ open
 *   open ──(cool-down elapsed)──▶ half_open ──(one trial admitted)──▶ success: closed / failure: open
 *
 * Only one trial runs at a time in half_open: it holds the circuit until its outcome or until `trialTtlMs`
 * passes (a process that died mid-trial must not keep the gateway out forever).
 */
export type CircuitPhase = 'closed' | 'open' | 'half_open';

export interface CircuitState {
  phase: CircuitPhase;
  /** Consecutive failures while closed. */
  failures: number;
  /** When the last failure counted; failures older than `failureWindowMs` are forgotten. */
  lastFailureAt: number | null;
  /** While open: when the cool-down ends (the circuit is half_open from then on). */
  openUntil: number | null;
  /** While half_open: a trial is running until this instant. */
  trialUntil: number | null;
}

export interface CircuitPolicy {
  failureThreshold: number;
  cooldownMs: number;
  trialTtlMs: number;
  failureWindowMs: number;
}

export const CLOSED_CIRCUIT: CircuitState = {
  phase: 'closed',
  failures: 0,
  lastFailureAt: null,
  openUntil: null,
  trialUntil: null,
};

/** The phase as of `now`: an open circuit whose cool-down has passed is half-open. */
export function circuitPhaseAt(state: CircuitState, now: number): CircuitPhase {
  if (state.phase === 'open' && state.openUntil !== null && now >= state.openUntil) return 'half_open';
  return state.phase;
}

function opened(now: number, policy: CircuitPolicy): CircuitState {
  return { phase: 'open', failures: 0, lastFailureAt: now, openUntil: now + policy.cooldownMs, trialUntil: null };
}

/** Asks to send an attempt: always when closed, never when open, once at a time when half-open. */
export function admitAttempt(
  state: CircuitState,
  now: number,
  policy: CircuitPolicy,
): { admitted: boolean; trial: boolean; next: CircuitState } {
  const phase = circuitPhaseAt(state, now);
  if (phase === 'closed') return { admitted: true, trial: false, next: state };
  if (phase === 'open') return { admitted: false, trial: false, next: state };
  if (state.phase === 'half_open' && state.trialUntil !== null && now < state.trialUntil) {
    return { admitted: false, trial: false, next: state };
  }
  return {
    admitted: true,
    trial: true,
    next: { ...state, phase: 'half_open', openUntil: null, trialUntil: now + policy.trialTtlMs },
  };
}

/**
 * Records how an attempt went. While open, late answers of attempts sent before it opened change nothing; in
 * half-open the trial's answer decides.
 */
export function recordOutcome(
  state: CircuitState,
  outcome: 'success' | 'failure',
  now: number,
  policy: CircuitPolicy,
): CircuitState {
  const phase = circuitPhaseAt(state, now);
  if (phase === 'open') return state;
  if (phase === 'half_open') return outcome === 'success' ? CLOSED_CIRCUIT : opened(now, policy);
  if (outcome === 'success') return state.failures === 0 ? state : CLOSED_CIRCUIT;
  const recent = state.lastFailureAt !== null && now - state.lastFailureAt <= policy.failureWindowMs;
  const failures = (recent ? state.failures : 0) + 1;
  if (failures >= policy.failureThreshold) return opened(now, policy);
  return { ...state, failures, lastFailureAt: now };
}

/** The health collector marked the gateway down: open (again), unless it is open already. */
export function forceOpen(state: CircuitState, now: number, policy: CircuitPolicy): CircuitState {
  return circuitPhaseAt(state, now) === 'open' ? state : opened(now, policy);
}

import type { AttemptStatus } from './attempt-outcome';

export type GatewayHealthStatus = 'healthy' | 'degraded' | 'down';

/**
 * Whether an attempt speaks for or against the gateway's health. A decline (`failed_permanent`) is the customer's
 * or the issuer's answer, given by a gateway that works; `pending` means the gateway accepted the payment. Only a
 * refusal before acceptance (`failed_retryable`) or a call that got no answer (`unknown`) is the gateway failing.
 */
export function attemptVerdict(status: AttemptStatus): 'ok' | 'fault' {
  return status === 'failed_retryable' || status === 'unknown' ? 'fault' : 'ok';
}

/**
 * The documented thresholds (README, "Gateway health"):
 * - fewer than `minAttempts` finished attempts in the window are too few to judge the traffic by; the active probe
 *   alone decides then;
 * - a success rate below `degradedBelowSuccessRate` or a p95 latency above `degradedAboveP95Ms` is `degraded`;
 * - `down` needs the probe to fail too: a gateway that answers its probe is still reachable, and the circuit
 *   breaker already takes it out of routing while its payments keep failing.
 */
export const GATEWAY_HEALTH_THRESHOLDS = {
  minAttempts: 5,
  degradedBelowSuccessRate: 0.9,
  degradedAboveP95Ms: 3000,
} as const;

export interface GatewayHealthFigures {
  /** Finished attempts in the window (ok + faults). */
  attempts: number;
  /** Attempts that failed for the gateway's reasons. */
  failures: number;
  p95LatencyMs: number | null;
  /** The active probe's answer this tick. */
  probeOk: boolean;
}

export interface GatewayHealthVerdict {
  status: GatewayHealthStatus;
  /** ok / attempts (0..1), rounded to 4 places; null without attempts. */
  successRate: number | null;
  /** The rule that decided, for logs and the sample. */
  reason: string;
}

export function successRateOf(attempts: number, failures: number): number | null {
  if (attempts <= 0) return null;
  return Math.round(((attempts - failures) / attempts) * 10_000) / 10_000;
}

export function decideGatewayHealth(
  f: GatewayHealthFigures,
  thresholds: typeof GATEWAY_HEALTH_THRESHOLDS = GATEWAY_HEALTH_THRESHOLDS,
): GatewayHealthVerdict {
  const successRate = successRateOf(f.attempts, f.failures);
  const judged = f.attempts >= thresholds.minAttempts;
  const failingTraffic = judged && successRate !== null && successRate < thresholds.degradedBelowSuccessRate;
  const slow = judged && f.p95LatencyMs !== null && f.p95LatencyMs > thresholds.degradedAboveP95Ms;
  if (!f.probeOk) {
    if (!judged) return { status: 'down', successRate, reason: 'probe failed and too few attempts to judge traffic' };
    if (failingTraffic) return { status: 'down', successRate, reason: 'probe failed and attempts are failing' };
    return { status: 'degraded', successRate, reason: 'probe failed while attempts succeed' };
  }
  if (failingTraffic) return { status: 'degraded', successRate, reason: 'success rate below threshold' };
  if (slow) return { status: 'degraded', successRate, reason: 'p95 latency above threshold' };
  return { status: 'healthy', successRate, reason: judged ? 'attempts and probe succeed' : 'probe succeeds' };
}

import type { AlertInput } from '@lsp/persistence';
import type { OutcomeCount } from './alert-rules.repository';

/** The rule families the evaluator owns: an open alert under one of these prefixes that no longer fires resolves. */
export const RULE_PREFIXES = {
  merchantFailedTx: 'failed-tx-rate:merchant:',
  gatewayFailedTx: 'failed-tx-rate:gateway:',
  queueBacklog: 'queue-backlog:',
  queueFailureRate: 'queue-failure-rate:',
} as const;

export const RULES_SOURCE = 'workers/alert-rules';

export interface RateThreshold {
  /** Raise at or above this failure rate, in percent. */
  ratePercent: number;
  /** Judge only with at least this many outcomes: two failures out of three is noise, not an incident. */
  minCount: number;
}

/** Integer arithmetic: failed / total ≥ percent / 100 without a float rounding the boundary either way. */
export function rateReached(failed: number, total: number, t: RateThreshold): boolean {
  return total >= t.minCount && failed * 100 >= t.ratePercent * total;
}

/** Critical from twice the threshold on (or everything failing), warning below. */
function severityFor(failed: number, total: number, t: RateThreshold): AlertInput['severity'] {
  return failed * 100 >= Math.min(100, 2 * t.ratePercent) * total ? 'critical' : 'warning';
}

const percent = (failed: number, total: number): string => `${((failed * 100) / total).toFixed(1)} %`;

export function failedTransactionAlerts(
  kind: 'merchant' | 'gateway',
  outcomes: OutcomeCount[],
  t: RateThreshold,
  windowMs: number,
): AlertInput[] {
  const prefix = kind === 'merchant' ? RULE_PREFIXES.merchantFailedTx : RULE_PREFIXES.gatewayFailedTx;
  const minutes = Math.round(windowMs / 60_000);
  return outcomes
    .filter((o) => rateReached(o.failed, o.total, t))
    .map((o) => ({
      fingerprint: `${prefix}${o.id}`,
      severity: severityFor(o.failed, o.total, t),
      source: RULES_SOURCE,
      title: `High failed-transaction rate for ${kind} ${o.label}`,
      message: `${o.failed} of ${o.total} transactions failed in the last ${minutes} min (${percent(o.failed, o.total)}, threshold ${t.ratePercent} %)`,
      details: {
        [`${kind}Id`]: o.id,
        label: o.label,
        failed: o.failed,
        total: o.total,
        windowMs,
        thresholdPercent: t.ratePercent,
      },
      merchantId: kind === 'merchant' ? o.id : null,
    }));
}

export interface QueueSnapshot {
  name: string;
  waiting: number;
  /** Jobs finished within the failure-rate window (BullMQ metrics), and how many of them failed. */
  finished: number;
  failed: number;
}

export function queueAlerts(
  queues: QueueSnapshot[],
  backlog: number,
  t: RateThreshold,
  windowMs: number,
): AlertInput[] {
  const alerts: AlertInput[] = [];
  for (const q of queues) {
    if (q.waiting >= backlog) {
      alerts.push({
        fingerprint: `${RULE_PREFIXES.queueBacklog}${q.name}`,
        severity: q.waiting >= 10 * backlog ? 'critical' : 'warning',
        source: RULES_SOURCE,
        title: `Queue ${q.name} has a backlog`,
        message: `${q.waiting} jobs waiting (threshold ${backlog})`,
        details: { queue: q.name, waiting: q.waiting, threshold: backlog },
      });
    }
    if (rateReached(q.failed, q.finished, t)) {
      alerts.push({
        fingerprint: `${RULE_PREFIXES.queueFailureRate}${q.name}`,
        severity: severityFor(q.failed, q.finished, t),
        source: RULES_SOURCE,
        title: `Jobs of queue ${q.name} are failing`,
        message: `${q.failed} of ${q.finished} jobs failed in the last ${Math.round(windowMs / 60_000)} min (${percent(q.failed, q.finished)}, threshold ${t.ratePercent} %)`,
        details: { queue: q.name, failed: q.failed, finished: q.finished, windowMs, thresholdPercent: t.ratePercent },
      });
    }
  }
  return alerts;
}

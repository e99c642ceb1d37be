import { Inject, Injectable } from '@nestjs/common';
import type { Metrics } from 'bullmq';
import type { AppConfig, Logger } from '@lsp/platform';
import {
  Database,
  openAlertFingerprints,
  raiseAlert,
  resolveAlertByFingerprint,
  type AlertInput,
} from '@lsp/persistence';
import type { ScheduledRunPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, LOGGER } from '../core/tokens';
import { alertRulesRepository as rules } from './alert-rules.repository';
import { RULE_PREFIXES, failedTransactionAlerts, queueAlerts, type QueueSnapshot } from './alert-rules';
import { DeclaredQueues } from '../core/declared-queues';

export interface EvaluateAlertRulesResult {
  /** Fingerprints firing now (raised or bumped). */
  firing: string[];
  /** Fingerprints whose open alert was resolved because the condition cleared. */
  resolved: string[];
}

/** Jobs finished in the last `minutes` whole minutes plus the current one (BullMQ buckets metrics per minute). */
export function finishedWithin(metrics: Metrics, minutes: number): number {
  const current = Math.max(0, metrics.meta.count - metrics.meta.prevCount);
  return current + metrics.data.slice(0, minutes).reduce((a, b) => a + (Number(b) || 0), 0);
}

/**
 * Evaluates every rule, raises (or bumps) what fires and resolves the open alerts of the same rules that no
 * longer fire — all in one transaction, so an evaluation is seen whole or not at all. Inputs are read first
 * (PostgreSQL and Redis), outside the transaction, to keep it short.
 */
@Injectable()
@ProcessesJob('alerts', 'evaluate-alert-rules')
export class EvaluateAlertRulesProcessor implements JobProcessor<'alerts', 'evaluate-alert-rules'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(DeclaredQueues) private readonly queues: DeclaredQueues,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: ScheduledRunPayload): Promise<EvaluateAlertRulesResult> {
    const c = this.config;
    const txThreshold = { ratePercent: c.alertFailedTxRatePercent, minCount: c.alertFailedTxMinCount };
    const [merchants, gateways] = await this.db.platform(async (em) => [
      await rules.merchantOutcomes(em, c.alertFailedTxWindowMs),
      await rules.gatewayOutcomes(em, c.alertFailedTxWindowMs),
    ]);
    const snapshots = await this.queueSnapshots();
    const firing: AlertInput[] = [
      ...failedTransactionAlerts('merchant', merchants, txThreshold, c.alertFailedTxWindowMs),
      ...failedTransactionAlerts('gateway', gateways, txThreshold, c.alertFailedTxWindowMs),
      ...queueAlerts(
        snapshots,
        c.alertQueueBacklog,
        { ratePercent: c.alertQueueFailureRatePercent, minCount: c.alertQueueFailureMinCount },
        c.alertQueueFailureWindowMs,
      ),
    ];
    const firingSet = new Set(firing.map((a) => a.fingerprint));

    const resolved = await this.db.platform(async (em) => {
      for (const alert of firing) await raiseAlert(em, alert);
      const cleared: string[] = [];
      for (const prefix of Object.values(RULE_PREFIXES)) {
        for (const fingerprint of await openAlertFingerprints(em, prefix)) {
          if (firingSet.has(fingerprint)) continue;
          if (await resolveAlertByFingerprint(em, fingerprint)) cleared.push(fingerprint);
        }
      }
      return cleared;
    });
    const result = { firing: [...firingSet], resolved };
    if (firing.length > 0 || resolved.length > 0) {
      this.logger.info({ ...result, trigger: payload.trigger }, 'alert rules evaluated');
    }
    return result;
  }

  private async queueSnapshots(): Promise<QueueSnapshot[]> {
    const minutes = Math.max(1, Math.round(this.config.alertQueueFailureWindowMs / 60_000));
    return Promise.all(
      this.queues.all().map(async ({ name, queue }) => {
        const [counts, completed, failed] = await Promise.all([
          queue.getJobCounts('waiting'),
          queue.getMetrics('completed', 0, minutes),
          queue.getMetrics('failed', 0, minutes),
        ]);
        const failedCount = finishedWithin(failed, minutes);
        return {
          name,
          waiting: counts['waiting'] ?? 0,
          finished: finishedWithin(completed, minutes) + failedCount,
          failed: failedCount,
        };
      }),
    );
  }
}

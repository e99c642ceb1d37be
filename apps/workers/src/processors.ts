import type { Type } from '@nestjs/common';
import type { JobProcessor } from './core/job-processor';
import { DeliverAlertProcessor } from './alerts/deliver-alert.processor';
import { DispatchAlertNotificationsProcessor } from './alerts/dispatch-alert-notifications.processor';
import { EvaluateAlertRulesProcessor } from './alerts/evaluate-alert-rules.processor';
import { FanOutEventProcessor } from './events/fan-out-event.processor';
import { VerifyAuditChainProcessor } from './maintenance/verify-audit-chain.processor';
import { CheckSystemStatusProcessor } from './monitoring/check-system-status.processor';
import { CollectQueueMetricsProcessor } from './monitoring/collect-queue-metrics.processor';
import { MonitorStalePaymentsProcessor } from './payments/monitor-stale-payments.processor';
import { PurgeIdempotencyKeysProcessor } from './payments/purge-idempotency-keys.processor';
import { ReconcilePaymentProcessor } from './payments/reconcile-payment.processor';
import { RecoverOrphanedPaymentsProcessor } from './payments/recover-orphaned-payments.processor';
import { RetryPaymentProcessor } from './payments/retry-payment.processor';
import { RetryTemporaryFailuresProcessor } from './payments/retry-temporary-failures.processor';
import {
  CleanHealthSamplesProcessor,
  CleanJobsAndAlertsProcessor,
  CleanSessionsProcessor,
  CleanWebhookHistoryProcessor,
} from './retention/retention-cleaners.processor';

/** Every job processor of the workers app; the boot check matches them against the queue declarations. */
export const PROCESSORS: Type<JobProcessor>[] = [
  VerifyAuditChainProcessor,
  FanOutEventProcessor,
  RetryTemporaryFailuresProcessor,
  RetryPaymentProcessor,
  MonitorStalePaymentsProcessor,
  ReconcilePaymentProcessor,
  RecoverOrphanedPaymentsProcessor,
  PurgeIdempotencyKeysProcessor,
  EvaluateAlertRulesProcessor,
  DispatchAlertNotificationsProcessor,
  DeliverAlertProcessor,
  CleanWebhookHistoryProcessor,
  CleanHealthSamplesProcessor,
  CleanSessionsProcessor,
  CleanJobsAndAlertsProcessor,
  CollectQueueMetricsProcessor,
  CheckSystemStatusProcessor,
];

import type { Type } from '@nestjs/common';
import type { JobProcessor } from './core/job-processor';
import { DeliverAlertProcessor } from './alerts/deliver-alert.processor';
import { DispatchAlertNotificationsProcessor } from './alerts/dispatch-alert-notifications.processor';
import { EvaluateAlertRulesProcessor } from './alerts/evaluate-alert-rules.processor';
import { FanOutEventProcessor } from './events/fan-out-event.processor';
import { CollectGatewayHealthProcessor } from './gateways/collect-gateway-health.processor';
import { ReencryptGatewaySecretsProcessor } from './gateways/reencrypt-gateway-secrets.processor';
import { MonitorWalletBalancesProcessor } from './ledger/monitor-wallet-balances.processor';
import { ReconcileLedgerProcessor } from './ledger/reconcile-ledger.processor';
import { ReleasePendingFundsProcessor } from './ledger/release-pending-funds.processor';
import { VerifyAuditChainProcessor } from './maintenance/verify-audit-chain.processor';
import { CheckSystemStatusProcessor } from './monitoring/check-system-status.processor';
import { CollectQueueMetricsProcessor } from './monitoring/collect-queue-metrics.processor';
import { MonitorStalePaymentsProcessor } from './payments/monitor-stale-payments.processor';
import { PurgeIdempotencyKeysProcessor } from './payments/purge-idempotency-keys.processor';
import { ReconcilePaymentProcessor } from './payments/reconcile-payment.processor';
import { RecoverOrphanedPaymentsProcessor } from './payments/recover-orphaned-payments.processor';
import { RetryPaymentProcessor } from './payments/retry-payment.processor';
import { RetryTemporaryFailuresProcessor } from './payments/retry-temporary-failures.processor';
import { DeliverWebhookProcessor } from './webhooks/deliver-webhook.processor';
import { FlushApiUsageProcessor } from './webhooks/flush-api-usage.processor';
import { SweepWebhookDeliveriesProcessor } from './webhooks/sweep-webhook-deliveries.processor';
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
  CollectGatewayHealthProcessor,
  ReencryptGatewaySecretsProcessor,
  DeliverWebhookProcessor,
  SweepWebhookDeliveriesProcessor,
  FlushApiUsageProcessor,
  EvaluateAlertRulesProcessor,
  DispatchAlertNotificationsProcessor,
  DeliverAlertProcessor,
  CleanWebhookHistoryProcessor,
  CleanHealthSamplesProcessor,
  CleanSessionsProcessor,
  CleanJobsAndAlertsProcessor,
  ReleasePendingFundsProcessor,
  MonitorWalletBalancesProcessor,
  ReconcileLedgerProcessor,
  CollectQueueMetricsProcessor,
  CheckSystemStatusProcessor,
];

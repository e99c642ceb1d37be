import type { Type } from '@nestjs/common';
import type { JobProcessor } from './core/job-processor';
import { FanOutEventProcessor } from './events/fan-out-event.processor';
import { MonitorWalletBalancesProcessor } from './ledger/monitor-wallet-balances.processor';
import { ReconcileLedgerProcessor } from './ledger/reconcile-ledger.processor';
import { ReleasePendingFundsProcessor } from './ledger/release-pending-funds.processor';
import { VerifyAuditChainProcessor } from './maintenance/verify-audit-chain.processor';
import { MonitorStalePaymentsProcessor } from './payments/monitor-stale-payments.processor';
import { PurgeIdempotencyKeysProcessor } from './payments/purge-idempotency-keys.processor';
import { ReconcilePaymentProcessor } from './payments/reconcile-payment.processor';
import { RecoverOrphanedPaymentsProcessor } from './payments/recover-orphaned-payments.processor';
import { RetryPaymentProcessor } from './payments/retry-payment.processor';
import { RetryTemporaryFailuresProcessor } from './payments/retry-temporary-failures.processor';
import { ProcessSettlementRunsProcessor } from './settlements/process-settlement-runs.processor';

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
  ProcessSettlementRunsProcessor,
  ReleasePendingFundsProcessor,
  MonitorWalletBalancesProcessor,
  ReconcileLedgerProcessor,
];

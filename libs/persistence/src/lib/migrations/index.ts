import { Foundation1764130000000 } from './1764130000000-foundation';
import { Payments1764140000000 } from './1764140000000-payments';
import { PaymentListIndexes1764145000000 } from './1764145000000-payment-list-indexes';
import { PaymentScanIndexes1764150000000 } from './1764150000000-payment-scan-indexes';
import { GatewayHealth1764160000000 } from './1764160000000-gateway-health';
import { Webhooks1764180000000 } from './1764180000000-webhooks';
import { OperationsMonitoring1764190000000 } from './1764190000000-operations-monitoring';
import { AlertsRetentionAnalytics1764195000000 } from './1764195000000-alerts-retention-analytics';
import { Ledger1764170000000 } from './1764170000000-ledger';
import { Settlements1764175000000 } from './1764175000000-settlements';
import { RetentionWebhookDeliveries1764199000000 } from './1764199000000-retention-webhook-deliveries';
import { LedgerPostingSpeed1764210000000 } from './1764210000000-ledger-posting-speed';
import { SettlementItemChecks1764220000000 } from './1764220000000-settlement-item-checks';
import { RefundLedgerPosted1764300000000 } from './1764300000000-refund-ledger-posted';
import { PendingReleaseRefusals1764310000000 } from './1764310000000-pending-release-refusals';

/** Every migration, in order. Listed explicitly so bundlers keep them and the order is reviewable. */
export const MIGRATIONS = [
  Foundation1764130000000,
  Payments1764140000000,
  PaymentListIndexes1764145000000,
  PaymentScanIndexes1764150000000,
  GatewayHealth1764160000000,
  Webhooks1764180000000,
  OperationsMonitoring1764190000000,
  AlertsRetentionAnalytics1764195000000,
  Ledger1764170000000,
  Settlements1764175000000,
  RetentionWebhookDeliveries1764199000000,
  LedgerPostingSpeed1764210000000,
  SettlementItemChecks1764220000000,
  RefundLedgerPosted1764300000000,
  PendingReleaseRefusals1764310000000,
];

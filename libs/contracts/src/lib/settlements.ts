/** API.md §7 settlements: what a merchant was paid, per currency, and from which ledger journals. */
export type SettlementStatusView = 'processing' | 'paid' | 'failed';

export interface SettlementView {
  id: string;
  object: 'settlement';
  merchantId: string;
  currency: string;
  /** Minor units paid out: the sum of the items (captures' net, less refunds taken from available money). */
  amount: number;
  status: SettlementStatusView;
  itemCount: number;
  /** Every item was captured (or refunded) at or before this instant. */
  cutoff: string;
  runId: string | null;
  journalId: string | null;
  createdAt: string;
  paidAt: string | null;
}

export interface SettlementItemView {
  /** The ledger journal that made the amount available (a release of a capture) or took it back (a refund). */
  sourceJournalId: string;
  type: 'payment' | 'refund' | 'adjustment';
  paymentId: string | null;
  refundId: string | null;
  /** Signed minor units: positive for a capture's net, negative for a refund. */
  amount: number;
}

export interface SettlementDetailView extends SettlementView {
  /** At most the first 1,000 items; the CSV export (`?format=csv`) carries every one. */
  items: SettlementItemView[];
  itemsTruncated: boolean;
}

export type SettlementRunStatusView = 'requested' | 'running' | 'completed' | 'failed';

export interface SettlementRefusalView {
  merchantId: string;
  currency: string;
  /** `release_refused`: captures held in pending because releasing them would overdraw it (see the alerts). */
  code: 'insufficient_funds' | 'non_positive_net' | 'release_refused';
  message: string;
}

export interface SettlementRunView {
  id: string;
  object: 'settlement_run';
  trigger: 'schedule' | 'manual';
  schedule: 'T+1' | 'T+2' | null;
  /** Null: every merchant (on the run's schedule, for scheduled runs). */
  merchantId: string | null;
  cutoff: string;
  status: SettlementRunStatusView;
  settlementsCreated: number;
  itemsSettled: number;
  refusals: SettlementRefusalView[];
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunSettlementsRequest {
  merchantId?: string;
  /** ISO-8601 instant, not in the future; defaults to now. */
  cutoff?: string;
}

import type { SettlementItemView, SettlementRefusalView, SettlementRunView, SettlementView } from '@lsp/contracts';

export interface SettlementRow {
  id: string;
  merchant_id: string;
  currency: string;
  status: 'processing' | 'paid' | 'failed';
  amount: string;
  item_count: number;
  cutoff: Date;
  run_id: string | null;
  journal_id: string | null;
  created_at: Date;
  paid_at: Date | null;
}

export interface SettlementItemRow {
  source_journal_id: string;
  journal_type: string;
  payment_id: string | null;
  refund_id: string | null;
  amount: string;
}

export interface SettlementRunRow {
  id: string;
  trigger: 'schedule' | 'manual';
  schedule: 'T+1' | 'T+2' | null;
  schedule_key: string | null;
  merchant_id: string | null;
  cutoff: Date;
  status: 'requested' | 'running' | 'completed' | 'failed';
  requested_by: string | null;
  lease_until: Date | null;
  attempts: number;
  settlements_created: number;
  items_settled: string;
  refusals: SettlementRefusalView[];
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The settlement summary: what the API lists, the `settlement.paid` event carries and the stream shows. */
export function toSettlementView(row: SettlementRow): SettlementView {
  return {
    id: row.id,
    object: 'settlement',
    merchantId: row.merchant_id,
    currency: row.currency,
    amount: Number(row.amount),
    status: row.status,
    itemCount: row.item_count,
    cutoff: row.cutoff.toISOString(),
    runId: row.run_id,
    journalId: row.journal_id,
    createdAt: row.created_at.toISOString(),
    paidAt: iso(row.paid_at),
  };
}

export function toSettlementItemView(row: SettlementItemRow): SettlementItemView {
  return {
    sourceJournalId: row.source_journal_id,
    type: row.journal_type === 'release' ? 'payment' : row.journal_type === 'refund' ? 'refund' : 'adjustment',
    paymentId: row.payment_id,
    refundId: row.refund_id,
    amount: Number(row.amount),
  };
}

export function toSettlementRunView(row: SettlementRunRow): SettlementRunView {
  return {
    id: row.id,
    object: 'settlement_run',
    trigger: row.trigger,
    schedule: row.schedule,
    merchantId: row.merchant_id,
    cutoff: row.cutoff.toISOString(),
    status: row.status,
    settlementsCreated: row.settlements_created,
    itemsSettled: Number(row.items_settled),
    refusals: row.refusals,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

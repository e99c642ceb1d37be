import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sql } from '@lsp/persistence';

export interface WalletAccountRow {
  merchant_id: string;
  kind: 'merchant_pending' | 'merchant_available' | 'merchant_settled';
  currency: string;
  balance: string;
}

export interface ThresholdRow {
  merchant_id: string;
  currency: string;
  low_balance_threshold: string;
}

export interface StatementRow {
  id: string;
  journal_id: string;
  type: 'capture' | 'refund' | 'release' | 'settlement' | 'adjustment';
  kind: 'merchant_pending' | 'merchant_available' | 'merchant_settled';
  currency: string;
  amount: string;
  balance_after: string;
  payment_id: string | null;
  refund_id: string | null;
  created_at: Date;
}

export interface StatementFilter {
  currency: string | null;
  account: string | null;
  from: Date | null;
  to: Date | null;
  startingAfter: string | null;
}

/** Read side of the wallets: balances and statement lines. Money moves only through @lsp/persistence's ledger. */
@Injectable()
export class WalletsRepository {
  merchantPage(
    em: EntityManager,
    startingAfter: string | null,
    limit: number,
  ): Promise<{ id: string; name: string }[]> {
    return sql(em, `SELECT id, name FROM merchants WHERE ($1::text IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`, [
      startingAfter,
      limit,
    ]);
  }

  merchant(em: EntityManager, id: string): Promise<{ id: string; name: string }[]> {
    return sql(em, `SELECT id, name FROM merchants WHERE id = $1`, [id]);
  }

  accounts(em: EntityManager, merchantIds: string[]): Promise<WalletAccountRow[]> {
    return sql<WalletAccountRow>(
      em,
      `SELECT merchant_id, kind, currency, balance FROM ledger_accounts
        WHERE merchant_id = ANY($1) ORDER BY merchant_id, currency, kind`,
      [merchantIds],
    );
  }

  thresholds(em: EntityManager, merchantIds: string[]): Promise<ThresholdRow[]> {
    return sql<ThresholdRow>(
      em,
      `SELECT merchant_id, currency, low_balance_threshold FROM wallet_alert_thresholds WHERE merchant_id = ANY($1)`,
      [merchantIds],
    );
  }

  /** Newest first; the entry id is the cursor (ULIDs sort by creation time). */
  statement(em: EntityManager, merchantId: string, filter: StatementFilter, limit: number): Promise<StatementRow[]> {
    return sql<StatementRow>(
      em,
      `SELECT e.id, e.journal_id, j.type, a.kind, e.currency, e.amount, e.balance_after, j.payment_id, j.refund_id,
              e.created_at
         FROM ledger_entries e
         JOIN ledger_accounts a ON a.id = e.account_id
         JOIN ledger_journals j ON j.id = e.journal_id
        WHERE e.merchant_id = $1
          AND ($2::text IS NULL OR e.currency = $2)
          AND ($3::text IS NULL OR a.kind = $3)
          AND ($4::timestamptz IS NULL OR e.created_at >= $4)
          AND ($5::timestamptz IS NULL OR e.created_at < $5)
          AND ($6::text IS NULL OR e.id < $6)
        ORDER BY e.id DESC LIMIT $7`,
      [merchantId, filter.currency, filter.account, filter.from, filter.to, filter.startingAfter, limit],
    );
  }
}

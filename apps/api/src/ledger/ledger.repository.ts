import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sql } from '@lsp/persistence';

export interface ReconciliationRunRow {
  id: string;
  trigger: 'schedule' | 'manual';
  ok: boolean;
  started_at: Date;
  finished_at: Date;
  checks: { check: string; ok: boolean; breaks: number }[];
  breaks: { check: string; subject: string; message: string }[];
}

/** Reads of the ledger context that are not money movements (those live in @lsp/persistence's ledger). */
@Injectable()
export class LedgerRepository {
  async latestReconciliation(em: EntityManager): Promise<ReconciliationRunRow | undefined> {
    const [row] = await sql<ReconciliationRunRow>(
      em,
      `SELECT id, trigger, ok, started_at, finished_at, checks, breaks FROM ledger_reconciliation_runs
        ORDER BY started_at DESC LIMIT 1`,
    );
    return row;
  }

  async existingMerchants(em: EntityManager, ids: string[]): Promise<Set<string>> {
    const rows = await sql<{ id: string }>(em, `SELECT id FROM merchants WHERE id = ANY($1)`, [ids]);
    return new Set(rows.map((r) => r.id));
  }
}

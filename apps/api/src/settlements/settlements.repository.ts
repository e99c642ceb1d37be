import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type SettlementItemRow, type SettlementRow, sql } from '@lsp/persistence';
import type { AdminListSettlementsQueryDto } from './dto/settlement.dto';

@Injectable()
export class SettlementsRepository {
  /**
   * Newest first, `limit + 1` rows, keyset on the id (ids sort by creation time). Only the filters given enter
   * the WHERE clause, so each shape meets an index: (merchant_id, id|created_at), (status, id), (currency, id),
   * (created_at, id). In a merchant scope, row-level security adds the merchant by itself.
   */
  list(em: EntityManager, q: AdminListSettlementsQueryDto, limit: number): Promise<SettlementRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (q.merchantId) add('merchant_id = ?', q.merchantId);
    if (q.status) add('status = ?', q.status);
    if (q.currency) add('currency = ?', q.currency);
    if (q.createdFrom) add('created_at >= ?', q.createdFrom);
    if (q.createdTo) add('created_at < ?', q.createdTo);
    if (q.startingAfter) add('id < ?', q.startingAfter);
    params.push(limit + 1);
    return sql<SettlementRow>(
      em,
      `SELECT * FROM settlements ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async find(em: EntityManager, id: string): Promise<SettlementRow | undefined> {
    const [row] = await sql<SettlementRow>(em, `SELECT * FROM settlements WHERE id = $1`, [id]);
    return row;
  }

  /** Items in source-journal order after `after` (keyset), so a CSV export pages through any number of them. */
  items(em: EntityManager, settlementId: string, after: string, limit: number): Promise<SettlementItemRow[]> {
    return sql<SettlementItemRow>(
      em,
      `SELECT i.source_journal_id, j.type AS journal_type, i.payment_id, i.refund_id, i.amount
         FROM settlement_items i JOIN ledger_journals j ON j.id = i.source_journal_id
        WHERE i.settlement_id = $1 AND i.source_journal_id > $2
        ORDER BY i.source_journal_id LIMIT $3`,
      [settlementId, after, limit],
    );
  }

  async merchantExists(em: EntityManager, merchantId: string): Promise<boolean> {
    return (await sql(em, `SELECT 1 FROM merchants WHERE id = $1`, [merchantId])).length > 0;
  }
}

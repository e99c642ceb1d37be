import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentRow } from '@lsp/payments';
import { sql } from '@lsp/persistence';
import type { AdminListPaymentsQueryDto } from './dto/admin-payment.dto';

@Injectable()
export class AdminPaymentsRepository {
  /**
   * Newest first across merchants, `limit + 1` rows. Only the filters given enter the WHERE clause so each shape
   * meets its index: (merchant_id[, status], id) with a merchant, (status, id) without, the primary key otherwise;
   * the cursor is `id < startingAfter` (ids sort by creation time), never an OFFSET.
   */
  list(em: EntityManager, q: AdminListPaymentsQueryDto, limit: number): Promise<PaymentRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (q.merchantId) add('merchant_id = ?', q.merchantId);
    if (q.status) add('status = ?', q.status);
    if (q.createdFrom) add('created_at >= ?', q.createdFrom);
    if (q.createdTo) add('created_at < ?', q.createdTo);
    if (q.startingAfter) add('id < ?', q.startingAfter);
    params.push(limit + 1);
    return sql<PaymentRow>(
      em,
      `SELECT * FROM payments ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }
}

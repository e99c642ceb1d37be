import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ALERT_COLUMNS, type AlertRow, sql } from '@lsp/persistence';
import type { AlertQueryDto } from './dto/alert-query.dto';

@Injectable()
export class AlertsRepository {
  list(em: EntityManager, q: AlertQueryDto, limit: number): Promise<AlertRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (q.status) add('status = ?', q.status);
    if (q.severity) add('severity = ?', q.severity);
    if (q.source) add('source = ?', q.source);
    if (q.startingAfter) add('id < ?', q.startingAfter);
    params.push(limit + 1);
    return sql<AlertRow>(
      em,
      `SELECT ${ALERT_COLUMNS} FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }

  find(em: EntityManager, id: string): Promise<AlertRow | undefined> {
    return sql<AlertRow>(em, `SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = $1`, [id]).then((rows) => rows[0]);
  }
}

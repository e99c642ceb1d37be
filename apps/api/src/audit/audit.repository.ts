import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sql } from '@lsp/persistence';
import type { AuditLogQueryDto } from './dto/audit-log-query.dto';

export interface AuditLogRow {
  id: string;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  diff: { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
  request_id: string | null;
  ip: string | null;
  created_at: Date;
}

@Injectable()
export class AuditRepository {
  list(em: EntityManager, q: AuditLogQueryDto, limit: number): Promise<AuditLogRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (q.actorId) add('actor_id = ?', q.actorId);
    if (q.action) add('action = ?', q.action);
    if (q.objectType) add('object_type = ?', q.objectType);
    if (q.objectId) add('object_id = ?', q.objectId);
    if (q.createdFrom) add('created_at >= ?', q.createdFrom);
    if (q.createdTo) add('created_at < ?', q.createdTo);
    if (q.startingAfter) add('id < ?', q.startingAfter);
    params.push(limit + 1);
    return sql<AuditLogRow>(
      em,
      `SELECT id, actor_id, actor_email, action, object_type, object_id, diff, request_id, ip, created_at
         FROM audit_logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditLogView, ListResponse } from '@lsp/contracts';
import { Database } from '@lsp/persistence';
import { Roles } from '../auth/access.decorators';
import { DEFAULT_PAGE_SIZE, toListResponse } from '../core/http/pagination';
import { AuditRepository, type AuditLogRow } from './audit.repository';
import { AuditLogQueryDto } from './dto/audit-log-query.dto';

@ApiTags('audit')
@Controller('api/v1/admin/audit-logs')
export class AuditController {
  constructor(
    private readonly db: Database,
    private readonly repo: AuditRepository,
  ) {}

  @Get()
  @Roles('admin', 'sre', 'finance')
  async list(@Query() query: AuditLogQueryDto): Promise<ListResponse<AuditLogView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.platform((em) => this.repo.list(em, query, limit));
    return toListResponse(rows, limit, toAuditLogView);
  }
}

export function toAuditLogView(row: AuditLogRow): AuditLogView {
  return {
    id: row.id,
    object: 'audit_log',
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    diff: row.diff,
    requestId: row.request_id,
    ip: row.ip,
    createdAt: row.created_at.toISOString(),
  };
}

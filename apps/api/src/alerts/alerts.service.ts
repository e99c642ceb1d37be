import { Injectable } from '@nestjs/common';
import type { AlertView, ListResponse } from '@lsp/contracts';
import { Database, changeAlertStatus, toAlertView } from '@lsp/persistence';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import { DEFAULT_PAGE_SIZE, toListResponse } from '../core/http/pagination';
import { AlertsRepository } from './alerts.repository';
import type { AlertQueryDto } from './dto/alert-query.dto';

@Injectable()
export class AlertsService {
  constructor(
    private readonly db: Database,
    private readonly repo: AlertsRepository,
    private readonly audit: AuditService,
  ) {}

  async list(query: AlertQueryDto): Promise<ListResponse<AlertView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.platform((em) => this.repo.list(em, query, limit));
    return toListResponse(rows, limit, toAlertView);
  }

  async get(id: string): Promise<AlertView> {
    const row = await this.db.platform((em) => this.repo.find(em, id));
    if (!row) throw ApiException.notFound('alert', id);
    return toAlertView(row);
  }

  /**
   * Acknowledge or resolve, audited, with the notification that feeds the alerts stream and channels, all in one
   * transaction. A change the alert's state does not allow is a 409 and changes nothing.
   */
  change(id: string, change: 'acknowledged' | 'resolved', actor: Actor): Promise<AlertView> {
    return this.db.platform(async (em) => {
      const result = await changeAlertStatus(em, id, change, actor.actorEmail ?? actor.actorId ?? 'unknown');
      if (!result) throw ApiException.notFound('alert', id);
      if (!result.after) {
        throw ApiException.conflict(
          change === 'acknowledged' ? 'alert_not_open' : 'alert_already_resolved',
          `Alert ${id} is ${result.before.status}; it cannot be ${change}`,
        );
      }
      const after = toAlertView(result.after);
      await this.audit.record(em, actor, {
        action: change === 'acknowledged' ? 'alert.acknowledge' : 'alert.resolve',
        objectType: 'alert',
        objectId: id,
        before: toAlertView(result.before),
        after,
      });
      return after;
    });
  }
}

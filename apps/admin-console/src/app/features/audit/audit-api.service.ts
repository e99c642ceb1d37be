import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AuditLogQuery, AuditLogView, ListResponse } from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL, PAGE_SIZE } from '../../core/api/api-config';
import { silentErrors } from '../../core/errors/error-context';
import { toHttpParams } from '../../shared/data/http-params';

/** `/admin/audit-logs`: the audit context's only HTTP client. */
@Injectable({ providedIn: 'root' })
export class AuditApiService {
  private readonly http = inject(HttpClient);
  private readonly url = `${inject(API_BASE_URL)}/admin/audit-logs`;

  /** Errors are shown by the page's error state, not as toasts. */
  list(query: AuditLogQuery): Observable<ListResponse<AuditLogView>> {
    return this.http.get<ListResponse<AuditLogView>>(this.url, {
      params: toHttpParams({
        actorId: query.actorId,
        action: query.action,
        objectType: query.objectType,
        objectId: query.objectId,
        createdFrom: query.createdFrom,
        createdTo: query.createdTo,
        limit: query.limit ?? PAGE_SIZE,
        startingAfter: query.startingAfter,
      }),
      context: silentErrors(),
    });
  }
}

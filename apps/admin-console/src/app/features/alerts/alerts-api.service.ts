import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AlertListQuery, AlertView, ListResponse } from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL, PAGE_SIZE } from '../../core/api/api-config';
import { silentErrors } from '../../core/errors/error-context';
import { toHttpParams } from '../../shared/data/http-params';

/** `/admin/alerts`: list silently (the page shows errors); acknowledge/resolve failures are toasted. */
@Injectable({ providedIn: 'root' })
export class AlertsApiService {
  private readonly http = inject(HttpClient);
  private readonly url = `${inject(API_BASE_URL)}/admin/alerts`;

  list(query: AlertListQuery): Observable<ListResponse<AlertView>> {
    return this.http.get<ListResponse<AlertView>>(this.url, {
      params: toHttpParams({
        status: query.status,
        severity: query.severity,
        source: query.source,
        limit: query.limit ?? PAGE_SIZE,
        startingAfter: query.startingAfter,
      }),
      context: silentErrors(),
    });
  }

  acknowledge(id: string): Observable<AlertView> {
    return this.http.post<AlertView>(`${this.url}/${encodeURIComponent(id)}/acknowledge`, {});
  }

  resolve(id: string): Observable<AlertView> {
    return this.http.post<AlertView>(`${this.url}/${encodeURIComponent(id)}/resolve`, {});
  }
}

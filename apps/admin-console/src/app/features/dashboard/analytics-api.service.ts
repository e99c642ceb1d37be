import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AnalyticsOverview } from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL } from '../../core/api/api-config';
import { silentErrors } from '../../core/errors/error-context';
import { toHttpParams } from '../../shared/data/http-params';

export interface OverviewQuery {
  from: string;
  to: string;
  merchantId?: string;
}

/** `/admin/analytics`: the dashboard's only HTTP client. */
@Injectable({ providedIn: 'root' })
export class AnalyticsApiService {
  private readonly http = inject(HttpClient);
  private readonly url = `${inject(API_BASE_URL)}/admin/analytics`;

  /** Errors are shown by the page's error state, not as toasts. */
  overview(query: OverviewQuery): Observable<AnalyticsOverview> {
    return this.http.get<AnalyticsOverview>(`${this.url}/overview`, {
      params: toHttpParams({ from: query.from, to: query.to, merchantId: query.merchantId }),
      context: silentErrors(),
    });
  }
}

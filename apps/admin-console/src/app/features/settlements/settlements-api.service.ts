import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject } from '@angular/core';
import type {
  ListResponse,
  RunSettlementsRequest,
  SettlementDetailView,
  SettlementRunView,
  SettlementStatusView,
  SettlementView,
} from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL, PAGE_SIZE } from '../../core/api/api-config';
import { AuthService } from '../../core/auth/auth.service';
import { silentErrors } from '../../core/errors/error-context';
import { toHttpParams } from '../../shared/data/http-params';

export interface SettlementListQuery {
  /** Staff only: a merchant user's list is always its own. */
  merchantId?: string;
  status?: SettlementStatusView;
  currency?: string;
  createdFrom?: string;
  createdTo?: string;
  startingAfter?: string;
  limit?: number;
}

/**
 * Settlements (API.md §7). Finance and admins read every merchant's under `/admin/settlements` and request
 * runs; a merchant user reads its own under `/merchant/settlements`.
 */
@Injectable({ providedIn: 'root' })
export class SettlementsApiService {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthService);
  private readonly baseUrl = inject(API_BASE_URL);

  readonly staffView = computed(() => this.auth.can('manageFinance'));
  private readonly url = computed(() => `${this.baseUrl}${this.staffView() ? '/admin' : '/merchant'}/settlements`);

  list(query: SettlementListQuery): Observable<ListResponse<SettlementView>> {
    return this.http.get<ListResponse<SettlementView>>(this.url(), {
      params: toHttpParams({
        merchantId: this.staffView() ? query.merchantId : undefined,
        status: query.status,
        currency: query.currency,
        createdFrom: query.createdFrom,
        createdTo: query.createdTo,
        limit: query.limit ?? PAGE_SIZE,
        startingAfter: query.startingAfter,
      }),
      context: silentErrors(),
    });
  }

  get(id: string): Observable<SettlementDetailView> {
    return this.http.get<SettlementDetailView>(this.settlementUrl(id), { context: silentErrors() });
  }

  /**
   * Every item as CSV. Fetched through the HTTP client rather than a plain link, because the API wants the
   * bearer token in a header (a token in a URL would end up in logs and history).
   */
  csv(id: string): Observable<Blob> {
    return this.http.get(this.settlementUrl(id), {
      params: toHttpParams({ format: 'csv' }),
      responseType: 'blob',
      context: silentErrors(),
    });
  }

  run(request: RunSettlementsRequest): Observable<SettlementRunView> {
    return this.http.post<SettlementRunView>(`${this.baseUrl}/admin/settlements/run`, request, {
      context: silentErrors(),
    });
  }

  getRun(id: string): Observable<SettlementRunView> {
    return this.http.get<SettlementRunView>(`${this.baseUrl}/admin/settlements/runs/${encodeURIComponent(id)}`, {
      context: silentErrors(),
    });
  }

  private settlementUrl(id: string): string {
    return `${this.url()}/${encodeURIComponent(id)}`;
  }
}

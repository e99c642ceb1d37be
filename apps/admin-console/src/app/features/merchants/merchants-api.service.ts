import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  CreateMerchantRequest,
  CreateMerchantResponse,
  ListResponse,
  MerchantStatus,
  MerchantView,
  UpdateMerchantRequest,
} from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL, PAGE_SIZE } from '../../core/api/api-config';
import { silentErrors } from '../../core/errors/error-context';
import { toHttpParams } from '../../shared/data/http-params';

export interface MerchantListQuery {
  status?: MerchantStatus;
  startingAfter?: string;
  limit?: number;
}

/** `/admin/merchants`: the merchants context's only HTTP client. */
@Injectable({ providedIn: 'root' })
export class MerchantsApiService {
  private readonly http = inject(HttpClient);
  private readonly url = `${inject(API_BASE_URL)}/admin/merchants`;

  /** Errors are shown by the page's error state, not as toasts. */
  list(query: MerchantListQuery): Observable<ListResponse<MerchantView>> {
    return this.http.get<ListResponse<MerchantView>>(this.url, {
      params: toHttpParams({
        limit: query.limit ?? PAGE_SIZE,
        startingAfter: query.startingAfter,
        status: query.status,
      }),
      context: silentErrors(),
    });
  }

  /** Errors are shown inside the create form. */
  create(request: CreateMerchantRequest): Observable<CreateMerchantResponse> {
    return this.http.post<CreateMerchantResponse>(this.url, request, {
      context: silentErrors(),
    });
  }

  /** Failures surface as toasts (with the request id) through the error interceptor. */
  update(id: string, request: UpdateMerchantRequest): Observable<MerchantView> {
    return this.http.patch<MerchantView>(`${this.url}/${encodeURIComponent(id)}`, request);
  }
}

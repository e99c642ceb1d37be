import { HttpClient, HttpHeaders } from '@angular/common/http';
import { Injectable, computed, inject } from '@angular/core';
import type { ListResponse, PaymentEventView, PaymentStatusView, PaymentView, RefundView } from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { map } from 'rxjs';
import { API_BASE_URL, PAGE_SIZE } from '../../core/api/api-config';
import { AuthService } from '../../core/auth/auth.service';
import { silentErrors } from '../../core/errors/error-context';
import { toHttpParams } from '../../shared/data/http-params';

/**
 * One entry of `GET …/payments/:id/timeline`. The contracts library has no `PaymentTimelineEntry` yet; its
 * `PaymentEventView` has exactly the `{id, type, occurredAt}` shape the API engineer specified, so it stands in
 * until the named type lands.
 */
export type PaymentTimelineEntry = PaymentEventView;

interface TimelineResponse {
  object: 'list';
  data: PaymentTimelineEntry[];
}

export interface PaymentListQuery {
  /** Staff only: merchant users are always scoped to their own merchant by the API. */
  merchantId?: string;
  status?: PaymentStatusView;
  createdFrom?: string;
  createdTo?: string;
  startingAfter?: string;
  limit?: number;
}

export interface RefundRequest {
  amount?: number;
  reason?: string;
}

/**
 * Payments for the console. Staff (admin, finance, sre) read every merchant's payments under `/admin/payments`;
 * a merchant user reads and refunds its own under the merchant routes `/payments`, which its JWT is allowed on.
 * The base path follows the signed-in user's roles, so pages never choose it.
 */
@Injectable({ providedIn: 'root' })
export class TransactionsApiService {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthService);
  private readonly baseUrl = inject(API_BASE_URL);

  /** True for admin, finance and sre: every merchant, with a merchant filter. */
  readonly staffView = computed(() => this.auth.can('viewAllMerchantsPayments'));
  private readonly url = computed(() => `${this.baseUrl}${this.staffView() ? '/admin/payments' : '/payments'}`);

  /** Errors are shown by the page's error state, not as toasts. */
  list(query: PaymentListQuery): Observable<ListResponse<PaymentView>> {
    return this.http.get<ListResponse<PaymentView>>(this.url(), {
      params: toHttpParams({
        merchantId: this.staffView() ? query.merchantId : undefined,
        status: query.status,
        createdFrom: query.createdFrom,
        createdTo: query.createdTo,
        limit: query.limit ?? PAGE_SIZE,
        startingAfter: query.startingAfter,
      }),
      context: silentErrors(),
    });
  }

  /** Errors are shown inside the detail panel. */
  get(id: string): Observable<PaymentView> {
    return this.http.get<PaymentView>(this.paymentUrl(id), { context: silentErrors() });
  }

  /** Oldest first, the order a reader follows a payment's life in. */
  timeline(id: string): Observable<PaymentTimelineEntry[]> {
    return this.http
      .get<TimelineResponse>(`${this.paymentUrl(id)}/timeline`, { context: silentErrors() })
      .pipe(map((list) => [...list.data].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))));
  }

  /**
   * The caller supplies the Idempotency-Key, one per refund the user confirmed: a retry of the same refund
   * (after a lost response) must reuse it so the API replays instead of refunding twice.
   */
  refund(id: string, request: RefundRequest, idempotencyKey: string): Observable<RefundView> {
    return this.http.post<RefundView>(`${this.paymentUrl(id)}/refunds`, request, {
      headers: new HttpHeaders({ 'Idempotency-Key': idempotencyKey }),
      context: silentErrors(),
    });
  }

  private paymentUrl(id: string): string {
    return `${this.url()}/${encodeURIComponent(id)}`;
  }
}

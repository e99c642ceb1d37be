import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  ApiKeyView,
  ApiUsageView,
  CreatedApiKey,
  ListResponse,
  RedeliveryResult,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
  WebhookEventView,
  WebhookTestResult,
} from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL, PAGE_SIZE } from '../../core/api/api-config';
import { silentErrors } from '../../core/errors/error-context';
import { toHttpParams } from '../../shared/data/http-params';

/**
 * Whose developer area is open: a merchant user's own (`merchantId` null, the API scopes by the token) or the
 * merchant a staff member picked (sent as `?merchantId=` / the admin merchant routes).
 */
export interface DeveloperScope {
  merchantId: string | null;
}

export interface EventListQuery {
  type?: string;
  createdFrom?: string;
  createdTo?: string;
  startingAfter?: string;
}

export interface CreateEndpointRequest {
  url: string;
  events: string[];
  description?: string;
}

/** `PATCH /webhook-endpoints/:id`: only the fields that change (the API leaves absent ones as they are). */
export interface UpdateEndpointRequest {
  url?: string;
  description?: string;
  events?: string[];
}

export interface RegenerateResult {
  apiKey: CreatedApiKey;
  replaced: ApiKeyView[];
}

/**
 * API.md §8/§9 for the developer pages. Reads and form submissions are silent (the panel shows the error where it
 * happened); one-click actions let the error interceptor toast them.
 */
@Injectable({ providedIn: 'root' })
export class DeveloperApiService {
  private readonly http = inject(HttpClient);
  private readonly base = inject(API_BASE_URL);

  listApiKeys(scope: DeveloperScope): Observable<ListResponse<ApiKeyView>> {
    const url = scope.merchantId
      ? `${this.base}/admin/merchants/${encodeURIComponent(scope.merchantId)}/api-keys`
      : `${this.base}/merchant/credentials`;
    return this.http.get<ListResponse<ApiKeyView>>(url, { context: silentErrors() });
  }

  /** Merchant console users only: a key must not be able to mint its own successor. */
  regenerateApiKey(mode: 'test' | 'live'): Observable<RegenerateResult> {
    return this.http.post<RegenerateResult>(`${this.base}/merchant/credentials/regenerate`, { mode });
  }

  revokeApiKey(scope: DeveloperScope, keyId: string): Observable<ApiKeyView> {
    const key = encodeURIComponent(keyId);
    return scope.merchantId
      ? this.http.delete<ApiKeyView>(
          `${this.base}/admin/merchants/${encodeURIComponent(scope.merchantId)}/api-keys/${key}`,
        )
      : this.http.post<ApiKeyView>(`${this.base}/merchant/credentials/${key}/revoke`, {});
  }

  listEndpoints(scope: DeveloperScope): Observable<ListResponse<WebhookEndpointView>> {
    return this.http.get<ListResponse<WebhookEndpointView>>(`${this.base}/webhook-endpoints`, {
      params: toHttpParams({ merchantId: scope.merchantId, limit: 100 }),
      context: silentErrors(),
    });
  }

  /** Errors (with the field the API blamed) are shown inside the form. */
  createEndpoint(scope: DeveloperScope, request: CreateEndpointRequest): Observable<WebhookEndpointWithSecret> {
    return this.http.post<WebhookEndpointWithSecret>(`${this.base}/webhook-endpoints`, request, {
      params: toHttpParams({ merchantId: scope.merchantId }),
      context: silentErrors(),
    });
  }

  /** `PATCH`: the API changes only the fields present (URL, events, description, status). */
  updateEndpoint(
    scope: DeveloperScope,
    id: string,
    patch: UpdateEndpointRequest | { status: WebhookEndpointView['status'] },
  ): Observable<WebhookEndpointView> {
    return this.http.patch<WebhookEndpointView>(`${this.base}/webhook-endpoints/${encodeURIComponent(id)}`, patch, {
      params: toHttpParams({ merchantId: scope.merchantId }),
    });
  }

  setEndpointStatus(
    scope: DeveloperScope,
    id: string,
    status: WebhookEndpointView['status'],
  ): Observable<WebhookEndpointView> {
    return this.updateEndpoint(scope, id, { status });
  }

  rotateSecret(scope: DeveloperScope, id: string): Observable<WebhookEndpointWithSecret> {
    return this.http.post<WebhookEndpointWithSecret>(
      `${this.base}/webhook-endpoints/${encodeURIComponent(id)}/rotate-secret`,
      {},
      { params: toHttpParams({ merchantId: scope.merchantId }) },
    );
  }

  deleteEndpoint(scope: DeveloperScope, id: string): Observable<unknown> {
    return this.http.delete(`${this.base}/webhook-endpoints/${encodeURIComponent(id)}`, {
      params: toHttpParams({ merchantId: scope.merchantId }),
    });
  }

  /** Every delivery to the endpoint that failed, of events created since `since`, gets a new attempt now. */
  redeliverFailed(scope: DeveloperScope, endpointId: string, since: string): Observable<RedeliveryResult> {
    return this.http.post<RedeliveryResult>(
      `${this.base}/webhook-endpoints/${encodeURIComponent(endpointId)}/redeliver-failed`,
      { since },
      { params: toHttpParams({ merchantId: scope.merchantId }) },
    );
  }

  /** Merchant users only (API.md §9); the result is shown in place, failures included. */
  sendTestEvent(endpointId: string, eventType?: string): Observable<WebhookTestResult> {
    return this.http.post<WebhookTestResult>(
      `${this.base}/merchant/webhooks/test`,
      { endpointId, ...(eventType ? { eventType } : {}) },
      { context: silentErrors() },
    );
  }

  listEvents(scope: DeveloperScope, query: EventListQuery): Observable<ListResponse<WebhookEventView>> {
    return this.http.get<ListResponse<WebhookEventView>>(`${this.base}/events`, {
      params: toHttpParams({ merchantId: scope.merchantId, limit: PAGE_SIZE, ...query }),
      context: silentErrors(),
    });
  }

  deliveriesOf(scope: DeveloperScope, eventId: string): Observable<ListResponse<WebhookDeliveryView>> {
    return this.http.get<ListResponse<WebhookDeliveryView>>(
      `${this.base}/events/${encodeURIComponent(eventId)}/deliveries`,
      { params: toHttpParams({ merchantId: scope.merchantId }), context: silentErrors() },
    );
  }

  redeliver(scope: DeveloperScope, eventId: string, endpointId?: string): Observable<RedeliveryResult> {
    return this.http.post<RedeliveryResult>(
      `${this.base}/events/${encodeURIComponent(eventId)}/redeliver`,
      endpointId ? { endpointId } : {},
      { params: toHttpParams({ merchantId: scope.merchantId }) },
    );
  }

  usage(scope: DeveloperScope, from: string, to: string): Observable<ApiUsageView> {
    const url = scope.merchantId
      ? `${this.base}/admin/merchants/${encodeURIComponent(scope.merchantId)}/usage`
      : `${this.base}/merchant/usage`;
    return this.http.get<ApiUsageView>(url, {
      params: toHttpParams({ from, to }),
      context: silentErrors(),
    });
  }
}

import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  CreatedGateway,
  GatewayHealthEntry,
  GatewayPriorityUpdate,
  GatewayTestResult,
  GatewayView,
  ListResponse,
} from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL } from '../../core/api/api-config';
import { silentErrors } from '../../core/errors/error-context';
import { toHttpParams } from '../../shared/data/http-params';
import type { GatewayCreateRequest, GatewayHealthSample, GatewayUpdateRequest } from './gateway-types';

/** `/admin/gateways` (API.md §6): the gateways context's only HTTP client. */
@Injectable({ providedIn: 'root' })
export class GatewaysApiService {
  private readonly http = inject(HttpClient);
  private readonly url = `${inject(API_BASE_URL)}/admin/gateways`;

  /** Errors are shown by the page's error state. Every live gateway, in priority order. */
  list(): Observable<ListResponse<GatewayView>> {
    return this.http.get<ListResponse<GatewayView>>(this.url, { context: silentErrors() });
  }

  /** The fallback while the health stream is not connected; a failed poll is retried by the next one. */
  health(): Observable<ListResponse<GatewayHealthEntry>> {
    return this.http.get<ListResponse<GatewayHealthEntry>>(`${this.url}/health`, { context: silentErrors() });
  }

  /** Errors are shown inside the form, on the field they name. */
  create(request: GatewayCreateRequest): Observable<CreatedGateway> {
    return this.http.post<CreatedGateway>(this.url, request, { context: silentErrors() });
  }

  /** Errors are shown inside the form, on the field they name. */
  update(id: string, request: GatewayUpdateRequest): Observable<GatewayView> {
    return this.http.put<GatewayView>(this.gatewayUrl(id), request, { context: silentErrors() });
  }

  /** Failures (e.g. `gateway_in_use` while payments are in flight) surface as toasts with the request id. */
  setEnabled(id: string, enabled: boolean): Observable<GatewayView> {
    return this.http.put<GatewayView>(this.gatewayUrl(id), { enabled });
  }

  /** Errors are shown in the confirmation dialog's place by the page. */
  remove(id: string): Observable<{ id: string; deleted: true }> {
    return this.http.delete<{ id: string; deleted: true }>(this.gatewayUrl(id), { context: silentErrors() });
  }

  /** All or nothing on the server; the page reverts its order on any error. */
  setPriorities(updates: GatewayPriorityUpdate[]): Observable<ListResponse<GatewayView>> {
    return this.http.put<ListResponse<GatewayView>>(`${this.url}/priority`, updates, { context: silentErrors() });
  }

  test(id: string): Observable<GatewayTestResult> {
    return this.http.post<GatewayTestResult>(`${this.gatewayUrl(id)}/test`, {}, { context: silentErrors() });
  }

  /** Oldest first. A 404 (history not recorded on this server yet) is the panel's empty state. */
  history(id: string, from: string, to: string): Observable<{ data: GatewayHealthSample[] }> {
    return this.http.get<{ data: GatewayHealthSample[] }>(`${this.gatewayUrl(id)}/health/history`, {
      params: toHttpParams({ from, to }),
      context: silentErrors(),
    });
  }

  private gatewayUrl(id: string): string {
    return `${this.url}/${encodeURIComponent(id)}`;
  }
}

import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { GatewayHealthEntry, ListResponse, WorkerView } from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL } from '../../core/api/api-config';
import { silentErrors } from '../../core/errors/error-context';

/** The first picture of workers and gateways; the streams keep it current. Errors are shown by the page. */
@Injectable({ providedIn: 'root' })
export class MonitoringApiService {
  private readonly http = inject(HttpClient);
  private readonly baseUrl = inject(API_BASE_URL);

  workers(): Observable<ListResponse<WorkerView>> {
    return this.http.get<ListResponse<WorkerView>>(`${this.baseUrl}/admin/workers`, { context: silentErrors() });
  }

  gatewayHealth(): Observable<ListResponse<GatewayHealthEntry>> {
    return this.http.get<ListResponse<GatewayHealthEntry>>(`${this.baseUrl}/admin/gateways/health`, {
      context: silentErrors(),
    });
  }
}

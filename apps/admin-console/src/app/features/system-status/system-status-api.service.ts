import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { SystemStatusView } from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL } from '../../core/api/api-config';
import { silentErrors } from '../../core/errors/error-context';

@Injectable({ providedIn: 'root' })
export class SystemStatusApiService {
  private readonly http = inject(HttpClient);
  private readonly url = `${inject(API_BASE_URL)}/admin/system-status`;

  /** Errors are shown by the page's error state. */
  get(): Observable<SystemStatusView> {
    return this.http.get<SystemStatusView>(this.url, { context: silentErrors() });
  }
}

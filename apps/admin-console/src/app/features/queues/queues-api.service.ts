import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  CleanableJobState,
  ListResponse,
  ListableJobState,
  QueueCleanResponse,
  QueueHistoryResponse,
  QueueJobRow,
  QueueJobView,
  QueueRetryResponse,
  QueueStatsResponse,
  QueueSummary,
} from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL } from '../../core/api/api-config';
import { silentErrors } from '../../core/errors/error-context';
import { toHttpParams } from '../../shared/data/http-params';

/**
 * `/admin/queues` (API.md §10). Reads are silent (pages show their own error states); the actions let the
 * error interceptor toast a failure, since the operator is looking at the button they pressed.
 */
@Injectable({ providedIn: 'root' })
export class QueuesApiService {
  private readonly http = inject(HttpClient);
  private readonly url = `${inject(API_BASE_URL)}/admin/queues`;

  list(): Observable<ListResponse<QueueSummary>> {
    return this.http.get<ListResponse<QueueSummary>>(this.url, { context: silentErrors() });
  }

  /** Per-minute completed/failed counts, oldest first; every queue when `queue` is absent. */
  stats(minutes: number, queue?: string): Observable<QueueStatsResponse> {
    return this.http.get<QueueStatsResponse>(`${this.url}/stats`, {
      params: toHttpParams({ minutes, queue }),
      context: silentErrors(),
    });
  }

  /** The collector's stored samples of one queue, oldest first (default: the last hour). */
  history(queue: string, from?: string): Observable<QueueHistoryResponse> {
    return this.http.get<QueueHistoryResponse>(`${this.url}/history`, {
      params: toHttpParams({ queue, from }),
      context: silentErrors(),
    });
  }

  /** One page of a state's jobs, newest first, without their data. */
  jobs(query: {
    queue: string;
    state: ListableJobState;
    limit?: number;
    startingAfter?: string;
  }): Observable<ListResponse<QueueJobRow>> {
    return this.http.get<ListResponse<QueueJobRow>>(`${this.url}/jobs`, {
      params: toHttpParams(query),
      context: silentErrors(),
    });
  }

  job(queue: string, id: string): Observable<QueueJobView> {
    return this.http.get<QueueJobView>(`${this.url}/jobs/${encodeURIComponent(id)}`, {
      params: toHttpParams({ queue }),
      context: silentErrors(),
    });
  }

  /** Every failed job of the queue, or only the listed ones. */
  retry(queue: string, jobIds?: string[]): Observable<QueueRetryResponse> {
    return this.http.post<QueueRetryResponse>(`${this.url}/retry`, jobIds ? { queue, jobIds } : { queue });
  }

  clean(queue: string, status: CleanableJobState, olderThanMs: number): Observable<QueueCleanResponse> {
    return this.http.delete<QueueCleanResponse>(`${this.url}/clean`, { body: { queue, status, olderThanMs } });
  }

  pause(queue: string, paused: boolean): Observable<QueueSummary> {
    return this.http.post<QueueSummary>(`${this.url}/pause`, { queue, paused });
  }
}

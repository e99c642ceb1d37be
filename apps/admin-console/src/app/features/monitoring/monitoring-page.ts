import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, LOCALE_ID, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { QueueHistoryResponse, QueueStatsResponse, WorkerView } from '@lsp/contracts';
import { EMPTY, catchError, forkJoin, map, of } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { operationsStream } from '../../core/live/operations-stream';
import { SseService, type StreamState } from '../../core/live/sse.service';
import { formatAge, formatBytes, formatCount, formatMs, formatPercent } from '../../shared/format/ops-format';
import { LineChart } from '../../shared/ui/charts/line-chart';
import { LiveIndicator } from '../../shared/ui/live-indicator';
import { OpsBadge } from '../../shared/ui/ops-badge';
import { PageState } from '../../shared/ui/page-state';
import { QUEUE_STATS_TYPE, type QueueStatsData, isQueueStatsData } from '../queues/queue-live';
import { QueuesApiService } from '../queues/queues-api.service';
import { MonitoringApiService } from './monitoring-api.service';
import {
  type DepthSample,
  type GatewayHealthRow,
  type GatewayHealthUpdate,
  appendDepthSample,
  applyGatewayHealth,
  depthSeries,
  isGatewayHealthUpdate,
  isWorkerList,
  throughputSeries,
  withStoredHistory,
} from './monitoring-series';

/** Per-minute throughput is re-read at most this often, prompted by live queue samples. */
const THROUGHPUT_REFRESH_MS = 20_000;
const THROUGHPUT_MINUTES = 30;
/** How far back the depth chart starts: the stored samples of the last ten minutes. */
const DEPTH_HISTORY_MS = 10 * 60_000;

/**
 * Real-time monitoring: queue depth (live samples from `queue-stats`) and throughput (BullMQ per-minute
 * metrics), workers (`worker-health`) and gateways (`gateway-health`). Each panel starts from a REST read and
 * then follows its stream; each shows its own connection state, since one stream can be down while others flow.
 */
@Component({
  selector: 'app-monitoring-page',
  imports: [DatePipe, LineChart, LiveIndicator, OpsBadge, PageState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './monitoring-page.html',
  styleUrl: './monitoring-page.scss',
})
export class MonitoringPage {
  private readonly api = inject(MonitoringApiService);
  private readonly queuesApi = inject(QueuesApiService);
  private readonly sse = inject(SseService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly locale = inject(LOCALE_ID);

  protected readonly depthHistory = signal<DepthSample[]>([]);
  protected readonly depthSeries = computed(() => depthSeries(this.depthHistory()));
  protected readonly throughput = signal<QueueStatsResponse | null>(null);
  protected readonly throughputSeries = computed(() => {
    const stats = this.throughput();
    return stats ? throughputSeries(stats) : [];
  });
  protected readonly queuesError = signal<ApiError | null>(null);
  protected readonly queuesLive = signal<StreamState>('connecting');

  protected readonly workers = signal<WorkerView[] | null>(null);
  protected readonly workersError = signal<ApiError | null>(null);
  protected readonly workersLive = signal<StreamState>('connecting');

  protected readonly gateways = signal<GatewayHealthRow[] | null>(null);
  protected readonly gatewaysError = signal<ApiError | null>(null);
  protected readonly gatewaysLive = signal<StreamState>('connecting');

  protected readonly count = (value: number) => formatCount(value, this.locale);
  protected readonly time = (ms: number) =>
    new Intl.DateTimeFormat(this.locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(ms);
  protected readonly minute = (ms: number) =>
    new Intl.DateTimeFormat(this.locale, { hour: '2-digit', minute: '2-digit' }).format(ms);
  protected readonly percent = (share: number | null) => formatPercent(share, this.locale);
  protected readonly ms = (value: number | null) => formatMs(value, this.locale);
  protected readonly bytes = formatBytes;
  protected readonly age = formatAge;

  private throughputReadAt = 0;

  constructor() {
    this.loadQueues();
    this.loadWorkers();
    this.loadGateways();

    operationsStream<QueueStatsData>(this.sse, 'queue-stats', [QUEUE_STATS_TYPE])
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((update) => {
        if (update.kind === 'state') {
          this.queuesLive.set(update.state);
        } else if (update.kind === 'message' && isQueueStatsData(update.message.data)) {
          const sample = update.message.data;
          this.depthHistory.update((history) => appendDepthSample(history, sample.at, sample.queues));
          if (Date.now() - this.throughputReadAt > THROUGHPUT_REFRESH_MS) {
            this.loadThroughput();
          }
        }
      });

    operationsStream<{ workers: WorkerView[] }>(this.sse, 'worker-health', ['worker.health'])
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((update) => {
        if (update.kind === 'state') {
          this.workersLive.set(update.state);
        } else if (update.kind === 'message' && isWorkerList(update.message.data)) {
          this.workers.set(update.message.data.workers);
          this.workersError.set(null);
        }
      });

    operationsStream<GatewayHealthUpdate>(this.sse, 'gateway-health', ['gateway.health'])
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((update) => {
        if (update.kind === 'state') {
          this.gatewaysLive.set(update.state);
        } else if (update.kind === 'message' && isGatewayHealthUpdate(update.message.data)) {
          const health = update.message.data;
          this.gateways.update((rows) => applyGatewayHealth(rows ?? [], health));
        }
      });
  }

  protected loadQueues(): void {
    this.queuesError.set(null);
    // The current counts are the chart's first point; live samples follow.
    this.queuesApi
      .list()
      .pipe(
        catchError((error: unknown) => {
          this.queuesError.set(toApiError(error));
          return EMPTY;
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((page) => {
        this.depthHistory.update((history) =>
          history.length > 0 ? history : appendDepthSample([], new Date().toISOString(), page.data),
        );
        this.loadStoredDepth(page.data.map((q) => q.name));
      });
    this.loadThroughput();
  }

  protected loadWorkers(): void {
    this.workersError.set(null);
    this.api
      .workers()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => this.workers.set(page.data),
        error: (error: unknown) => this.workersError.set(toApiError(error)),
      });
  }

  protected loadGateways(): void {
    this.gatewaysError.set(null);
    this.api
      .gatewayHealth()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => this.gateways.set([...page.data].sort((a, b) => a.code.localeCompare(b.code))),
        error: (error: unknown) => this.gatewaysError.set(toApiError(error)),
      });
  }

  /** Without stored samples (collector not running yet) the chart simply starts now. */
  private loadStoredDepth(queues: readonly string[]): void {
    const from = new Date(Date.now() - DEPTH_HISTORY_MS).toISOString();
    forkJoin(queues.map((queue) => this.queuesApi.history(queue, from).pipe(catchError(() => of(null)))))
      .pipe(
        map((histories) => histories.filter((h): h is QueueHistoryResponse => h !== null)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((histories) => this.depthHistory.update((live) => withStoredHistory(live, histories)));
  }

  private loadThroughput(): void {
    this.throughputReadAt = Date.now();
    this.queuesApi
      .stats(THROUGHPUT_MINUTES)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (stats) => this.throughput.set(stats),
        error: (error: unknown) => this.queuesError.set(toApiError(error)),
      });
  }
}

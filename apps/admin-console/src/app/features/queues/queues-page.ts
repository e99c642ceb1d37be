import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  LOCALE_ID,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { CLEANABLE_JOB_STATES, type CleanableJobState, type QueueSummary } from '@lsp/contracts';
import { EMPTY, type Observable, Subject, catchError, finalize, map, switchMap, tap } from 'rxjs';
import { AuthService } from '../../core/auth/auth.service';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { operationsStream } from '../../core/live/operations-stream';
import { SseService, type StreamState } from '../../core/live/sse.service';
import { NotificationService } from '../../core/notifications/notification.service';
import { formatCount, formatPercent } from '../../shared/format/ops-format';
import { AuditLink } from '../../shared/ui/audit-link';
import { ConfirmDialog } from '../../shared/ui/confirm-dialog';
import { LiveIndicator } from '../../shared/ui/live-indicator';
import { OpsBadge } from '../../shared/ui/ops-badge';
import { PageState } from '../../shared/ui/page-state';
import { JobDetailDrawer } from './job-detail-drawer';
import { QueueJobsPanel } from './queue-jobs-panel';
import { QueuesApiService } from './queues-api.service';
import {
  QUEUE_STATS_TYPE,
  type QueueStatsData,
  graceMinutesToMs,
  isQueueStatsData,
  mergeQueueCounts,
  queueDepth,
} from './queue-live';

type QueueAction =
  | { kind: 'retry'; queue: string; failed: number }
  | { kind: 'clean'; queue: string; status: CleanableJobState; olderThanMs: number }
  | { kind: 'pause'; queue: string; paused: boolean };

/**
 * Every declared queue with its counts (live from `queue-stats`), throughput and failure rate, and the SRE's
 * levers: retry failed jobs, clean finished ones past a grace, pause/resume — each confirmed first, each audited
 * by the API. The jobs panel lists a queue's jobs by state (failed first) to open or retry; a job can also be opened
 * by id (ids appear in logs, alerts and payment timelines).
 */
@Component({
  selector: 'app-queues-page',
  imports: [
    ReactiveFormsModule,
    AuditLink,
    ConfirmDialog,
    JobDetailDrawer,
    LiveIndicator,
    OpsBadge,
    PageState,
    QueueJobsPanel,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './queues-page.html',
  styleUrl: './queues-page.scss',
})
export class QueuesPage {
  private readonly api = inject(QueuesApiService);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly locale = inject(LOCALE_ID);
  private readonly formBuilder = inject(NonNullableFormBuilder);

  private readonly auth = inject(AuthService);
  protected readonly canManage = computed(() => this.auth.can('manageQueues'));
  protected readonly cleanableStates = CLEANABLE_JOB_STATES;

  protected readonly queues = signal<QueueSummary[]>([]);
  protected readonly queueNames = computed(() => this.queues().map((q) => q.name));
  protected readonly loaded = signal(false);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly liveState = signal<StreamState>('connecting');
  protected readonly sampledAt = signal<string | null>(null);

  /** The queue whose clean form is open. */
  protected readonly cleaning = signal<string | null>(null);
  protected readonly cleanForm = this.formBuilder.group({
    status: ['failed' as CleanableJobState],
    graceMinutes: ['60', Validators.required],
  });
  protected readonly cleanError = signal<string | null>(null);

  protected readonly pending = signal<QueueAction | null>(null);
  protected readonly busy = signal(false);
  protected readonly confirmText = computed(() => describe(this.pending()));

  protected readonly jobForm = this.formBuilder.group({
    queue: ['', Validators.required],
    id: ['', [Validators.required, Validators.pattern(/^\s*[A-Za-z0-9:._-]{1,200}\s*$/)]],
  });
  protected readonly openJob = signal<{ queue: string; id: string } | null>(null);
  private readonly jobsPanel = viewChild(QueueJobsPanel);

  protected readonly count = (value: number) => formatCount(value, this.locale);
  protected readonly percent = (value: number | null) => formatPercent(value, this.locale);
  protected readonly depth = queueDepth;

  private readonly loads = new Subject<void>();

  constructor() {
    this.loads
      .pipe(
        switchMap(() => {
          this.loading.set(true);
          this.error.set(null);
          return this.api.list().pipe(
            tap({
              next: (page) => {
                this.queues.set(page.data);
                this.loaded.set(true);
                if (!this.jobForm.controls.queue.value && page.data[0]) {
                  this.jobForm.controls.queue.setValue(page.data[0].name);
                }
              },
              error: (error: unknown) => this.error.set(toApiError(error)),
            }),
            catchError(() => EMPTY),
            finalize(() => this.loading.set(false)),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    this.load();

    operationsStream<QueueStatsData>(inject(SseService), 'queue-stats', [QUEUE_STATS_TYPE])
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((update) => {
        if (update.kind === 'state') {
          this.liveState.set(update.state);
        } else if (update.kind === 'message' && isQueueStatsData(update.message.data)) {
          const sample = update.message.data;
          this.queues.update((rows) => mergeQueueCounts(rows, sample));
          this.sampledAt.set(sample.at);
        }
      });
  }

  protected load(): void {
    this.loads.next();
  }

  protected askRetry(queue: QueueSummary): void {
    this.pending.set({ kind: 'retry', queue: queue.name, failed: queue.failed });
  }

  protected askPause(queue: QueueSummary): void {
    this.pending.set({ kind: 'pause', queue: queue.name, paused: !queue.isPaused });
  }

  protected toggleClean(queue: string): void {
    this.cleanError.set(null);
    this.cleaning.update((current) => (current === queue ? null : queue));
  }

  protected askClean(queue: string): void {
    const { status, graceMinutes } = this.cleanForm.getRawValue();
    const olderThanMs = graceMinutesToMs(graceMinutes);
    if (olderThanMs === null) {
      this.cleanError.set('The grace is a whole number of minutes, 0 or more (at most a year).');
      return;
    }
    this.cleanError.set(null);
    this.pending.set({ kind: 'clean', queue, status, olderThanMs });
  }

  protected cancel(): void {
    this.pending.set(null);
  }

  protected confirm(): void {
    const action = this.pending();
    if (!action || this.busy()) {
      return;
    }
    this.busy.set(true);
    let request: Observable<string>;
    switch (action.kind) {
      case 'retry':
        request = this.api.retry(action.queue).pipe(map((r) => `${r.retried} failed jobs of ${r.queue} retried.`));
        break;
      case 'clean':
        request = this.api
          .clean(action.queue, action.status, action.olderThanMs)
          .pipe(map((r) => `${r.removed} ${r.status} jobs removed from ${r.queue}.`));
        break;
      case 'pause':
        request = this.api
          .pause(action.queue, action.paused)
          .pipe(map((q) => `${q.name} ${q.isPaused ? 'paused' : 'resumed'}.`));
        break;
    }
    request
      .pipe(
        finalize(() => this.busy.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (message) => {
          this.notifications.success(message);
          this.pending.set(null);
          this.cleaning.set(null);
          this.load();
          // Retry, clean and pause all change which jobs the panel lists.
          this.jobsPanel()?.reload();
        },
        // The error interceptor has shown the API's message; the dialog closes so the table can be re-read.
        error: () => this.pending.set(null),
      });
  }

  protected showJob(job: { queue: string; id: string }): void {
    this.openJob.set(job);
  }

  protected openJobDetail(): void {
    if (this.jobForm.invalid) {
      this.jobForm.markAllAsTouched();
      return;
    }
    const { queue, id } = this.jobForm.getRawValue();
    this.openJob.set({ queue, id: id.trim() });
  }

  protected closeJob(): void {
    this.openJob.set(null);
  }
}

function describe(action: QueueAction | null): { title: string; message: string; label: string; danger: boolean } {
  if (!action) {
    return { title: '', message: '', label: '', danger: false };
  }
  switch (action.kind) {
    case 'retry':
      return {
        title: `Retry failed jobs of ${action.queue}?`,
        message: `All ${action.failed} failed jobs go back to waiting and run again.`,
        label: 'Retry all failed',
        danger: false,
      };
    case 'clean': {
      const minutes = action.olderThanMs / 60_000;
      return {
        title: `Remove ${action.status} jobs from ${action.queue}?`,
        message: `Every ${action.status} job that finished more than ${minutes} minute${minutes === 1 ? '' : 's'} ago is deleted for good.`,
        label: 'Remove jobs',
        danger: true,
      };
    }
    case 'pause':
      return action.paused
        ? {
            title: `Pause ${action.queue}?`,
            message: 'Running jobs finish; no worker starts a new job of this queue until it is resumed.',
            label: 'Pause queue',
            danger: true,
          }
        : {
            title: `Resume ${action.queue}?`,
            message: 'Workers start taking its waiting jobs again.',
            label: 'Resume queue',
            danger: false,
          };
  }
}

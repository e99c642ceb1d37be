import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { LISTABLE_JOB_STATES, type ListableJobState, type ListResponse, type QueueJobRow } from '@lsp/contracts';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { NotificationService } from '../../core/notifications/notification.service';
import { CursorPager } from '../../shared/data/cursor-pager';
import { ConfirmDialog } from '../../shared/ui/confirm-dialog';
import { OpsBadge } from '../../shared/ui/ops-badge';
import { PageState } from '../../shared/ui/page-state';
import { Pager } from '../../shared/ui/pager';
import { QueuesApiService } from './queues-api.service';

export const JOBS_PAGE_SIZE = 20;

interface JobFilters {
  queue: string;
  state: ListableJobState;
}

/**
 * The jobs of one queue in one state (failed by default), newest first and paged by the API's cursor, so an SRE
 * can see which jobs failed, open one in the detail drawer and retry the ones picked. Rows never carry job data:
 * the drawer shows it, redacted.
 */
@Component({
  selector: 'app-queue-jobs-panel',
  imports: [DatePipe, ReactiveFormsModule, ConfirmDialog, OpsBadge, PageState, Pager],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './queue-jobs-panel.html',
  styleUrl: './queue-jobs-panel.scss',
})
export class QueueJobsPanel {
  /** Names of the declared queues, in the page's order. */
  readonly queues = input.required<readonly string[]>();
  readonly canManage = input(false);
  readonly opened = output<{ queue: string; id: string }>();
  /** Jobs were retried: the page's counts are stale. */
  readonly retried = output();

  private readonly api = inject(QueuesApiService);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly states = LISTABLE_JOB_STATES;
  protected readonly form = inject(NonNullableFormBuilder).group({
    queue: [''],
    state: ['failed' as ListableJobState],
  });
  protected readonly filters = signal<JobFilters | null>(null);
  protected readonly pager = new CursorPager();
  protected readonly page = signal<ListResponse<QueueJobRow> | null>(null);
  protected readonly rows = computed(() => this.page()?.data ?? []);
  protected readonly loading = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  /** Shown once when the previous page's last job left the state and the list went back to its start. */
  protected readonly notice = signal<string | null>(null);

  /** Only failed jobs can be retried, and only by someone who manages queues. */
  protected readonly selectable = computed(() => this.canManage() && this.filters()?.state === 'failed');
  protected readonly selected = signal<ReadonlySet<string>>(new Set());
  protected readonly allSelected = computed(
    () => this.rows().length > 0 && this.rows().every((row) => this.selected().has(row.id)),
  );
  protected readonly confirming = signal(false);
  protected readonly busy = signal(false);

  private readonly queries = new Subject<JobFilters & { startingAfter?: string }>();

  constructor() {
    this.queries
      .pipe(
        switchMap((query) => {
          this.loading.set(true);
          this.error.set(null);
          return this.api.jobs({ ...query, limit: JOBS_PAGE_SIZE }).pipe(
            tap({
              next: (page) => this.page.set(page),
              error: (error: unknown) => this.failed(toApiError(error)),
            }),
            catchError(() => EMPTY),
            finalize(() => this.loading.set(false)),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();

    // The first queue is shown as soon as the page knows the queues.
    effect(() => {
      const [first] = this.queues();
      if (first && !this.filters()) {
        this.form.controls.queue.setValue(first);
        this.show();
      }
    });
  }

  /** Lists what the form picks, from its newest job. */
  protected show(): void {
    const { queue, state } = this.form.getRawValue();
    if (!queue) {
      return;
    }
    this.filters.set({ queue, state });
    this.notice.set(null);
    this.pager.reset();
    this.load();
  }

  /** Reads the shown list again from its newest job (after a queue-wide action elsewhere on the page). */
  reload(): void {
    this.pager.reset();
    this.load();
  }

  protected nextPage(): void {
    const rows = this.rows();
    const last = rows[rows.length - 1];
    if (last && this.page()?.hasMore) {
      this.notice.set(null);
      this.pager.next(last.id);
      this.load();
    }
  }

  protected previousPage(): void {
    this.pager.previous();
    this.load();
  }

  protected toggle(id: string): void {
    this.selected.update((current) => {
      const next = new Set(current);
      if (!next.delete(id)) {
        next.add(id);
      }
      return next;
    });
  }

  protected toggleAll(): void {
    this.selected.set(this.allSelected() ? new Set() : new Set(this.rows().map((row) => row.id)));
  }

  protected open(row: QueueJobRow): void {
    this.opened.emit({ queue: row.queue, id: row.id });
  }

  protected askRetry(): void {
    if (this.selected().size > 0) {
      this.confirming.set(true);
    }
  }

  protected cancelRetry(): void {
    this.confirming.set(false);
  }

  protected confirmRetry(): void {
    const filters = this.filters();
    const ids = [...this.selected()];
    if (!filters || ids.length === 0 || this.busy()) {
      return;
    }
    this.busy.set(true);
    this.api
      .retry(filters.queue, ids)
      .pipe(
        finalize(() => this.busy.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (result) => {
          this.notifications.success(
            `${result.retried} failed job${result.retried === 1 ? '' : 's'} of ${result.queue} retried.`,
          );
          this.confirming.set(false);
          // The retried jobs have left the failed list: read it again from its newest job.
          this.reload();
          this.retried.emit();
        },
        // The error interceptor has shown the API's message (e.g. a job no longer failed); re-read the list.
        error: () => {
          this.confirming.set(false);
          this.load();
        },
      });
  }

  private load(): void {
    const filters = this.filters();
    if (!filters) {
      return;
    }
    this.selected.set(new Set());
    this.queries.next({ ...filters, startingAfter: this.pager.cursor() });
  }

  private failed(error: ApiError): void {
    // The previous page's last job was retried, removed or moved on: its place in the list is gone.
    if (error.param === 'startingAfter' && this.pager.hasPrevious()) {
      this.notice.set('The list changed since the previous page; showing the newest jobs again.');
      this.reload();
      return;
    }
    this.page.set(null);
    this.error.set(error);
  }

  protected retryLoad(): void {
    this.notice.set(null);
    this.load();
  }
}

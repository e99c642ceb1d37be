import { DatePipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { AlertListQuery, AlertSeverity, AlertStatus, AlertView, ListResponse } from '@lsp/contracts';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { PAGE_SIZE } from '../../core/api/api-config';
import { AuthService } from '../../core/auth/auth.service';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { operationsStream } from '../../core/live/operations-stream';
import { SseService, type StreamState } from '../../core/live/sse.service';
import { NotificationService } from '../../core/notifications/notification.service';
import { CursorPager } from '../../shared/data/cursor-pager';
import { AuditLink } from '../../shared/ui/audit-link';
import { ConfirmDialog } from '../../shared/ui/confirm-dialog';
import { LiveIndicator } from '../../shared/ui/live-indicator';
import { OpsBadge } from '../../shared/ui/ops-badge';
import { PageState } from '../../shared/ui/page-state';
import { Pager } from '../../shared/ui/pager';
import { AlertsApiService } from './alerts-api.service';
import { ALERT_STREAM_TYPES, type AlertFilters, applyLiveAlert, isAlertView, newerAlert } from './alerts-live';

const STATUSES: AlertStatus[] = ['open', 'acknowledged', 'resolved'];
const SEVERITIES: AlertSeverity[] = ['critical', 'warning', 'info'];

/**
 * The Alert Manager's alerts, newest first, with filters. New alerts and state changes arrive live from the
 * `alerts` stream; acknowledge and resolve are audited by the API (resolving asks for confirmation).
 */
@Component({
  selector: 'app-alerts-page',
  imports: [
    DatePipe,
    JsonPipe,
    ReactiveFormsModule,
    AuditLink,
    ConfirmDialog,
    LiveIndicator,
    OpsBadge,
    PageState,
    Pager,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './alerts-page.html',
  styleUrl: './alerts-page.scss',
})
export class AlertsPage {
  private readonly api = inject(AlertsApiService);
  private readonly notifications = inject(NotificationService);
  private readonly auth = inject(AuthService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly statuses = STATUSES;
  protected readonly severities = SEVERITIES;
  protected readonly canManage = computed(() => this.auth.can('manageAlerts'));
  protected readonly filterForm = inject(NonNullableFormBuilder).group({
    status: [''],
    severity: [''],
    source: ['', Validators.pattern(/^\s*([A-Za-z0-9_./:-]{1,100})?\s*$/)],
  });

  protected readonly filters = signal<AlertFilters>({});
  protected readonly hasFilters = computed(() => Object.values(this.filters()).some((v) => v !== undefined));
  protected readonly pager = new CursorPager();
  protected readonly page = signal<ListResponse<AlertView> | null>(null);
  protected readonly alerts = computed(() => this.page()?.data ?? []);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly liveState = signal<StreamState>('connecting');
  protected readonly expanded = signal<string | null>(null);

  protected readonly resolving = signal<AlertView | null>(null);
  protected readonly busyId = signal<string | null>(null);

  private readonly queries = new Subject<AlertListQuery>();

  constructor() {
    this.queries
      .pipe(
        switchMap((query) => {
          this.loading.set(true);
          this.error.set(null);
          return this.api.list(query).pipe(
            tap({
              next: (page) => this.page.set(page),
              error: (error: unknown) => {
                this.page.set(null);
                this.error.set(toApiError(error));
              },
            }),
            catchError(() => EMPTY),
            finalize(() => this.loading.set(false)),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    this.load();

    operationsStream<AlertView>(inject(SseService), 'alerts', ALERT_STREAM_TYPES)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((update) => {
        if (update.kind === 'state') {
          this.liveState.set(update.state);
        } else if (update.kind === 'truncated') {
          this.load();
        } else if (isAlertView(update.message.data)) {
          this.applyLive(update.message.data);
        }
      });
  }

  protected load(): void {
    this.queries.next({ ...this.filters(), startingAfter: this.pager.cursor() });
  }

  protected applyFilters(): void {
    if (this.filterForm.invalid) {
      this.filterForm.markAllAsTouched();
      return;
    }
    const value = this.filterForm.getRawValue();
    const source = value.source.trim();
    this.filters.set({
      status: STATUSES.find((s) => s === value.status),
      severity: SEVERITIES.find((s) => s === value.severity),
      source: source === '' ? undefined : source,
    });
    this.pager.reset();
    this.load();
  }

  protected resetFilters(): void {
    this.filterForm.reset({ status: '', severity: '', source: '' });
    this.filters.set({});
    this.pager.reset();
    this.load();
  }

  protected nextPage(): void {
    const last = this.alerts()[this.alerts().length - 1];
    if (last && this.page()?.hasMore) {
      this.pager.next(last.id);
      this.load();
    }
  }

  protected previousPage(): void {
    this.pager.previous();
    this.load();
  }

  protected toggle(id: string): void {
    this.expanded.update((current) => (current === id ? null : id));
  }

  protected acknowledge(alert: AlertView): void {
    this.busyId.set(alert.id);
    this.api
      .acknowledge(alert.id)
      .pipe(
        finalize(() => this.busyId.set(null)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (updated) => {
          this.replace(updated);
          this.notifications.success(`Acknowledged: ${updated.title}`);
        },
        // A 409 means someone else moved it on: re-read so the row shows where it is now.
        error: () => this.load(),
      });
  }

  protected askResolve(alert: AlertView): void {
    this.resolving.set(alert);
  }

  protected cancelResolve(): void {
    this.resolving.set(null);
  }

  protected confirmResolve(): void {
    const alert = this.resolving();
    if (!alert || this.busyId()) {
      return;
    }
    this.busyId.set(alert.id);
    this.api
      .resolve(alert.id)
      .pipe(
        finalize(() => {
          this.busyId.set(null);
          this.resolving.set(null);
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (updated) => {
          this.replace(updated);
          this.notifications.success(`Resolved: ${updated.title}`);
        },
        error: () => this.load(),
      });
  }

  private applyLive(alert: AlertView): void {
    if (this.loading()) {
      // The list in flight will include it; prepending now could show it twice.
      return;
    }
    this.page.update((page) => {
      if (!page) {
        return page;
      }
      const { rows, overflowed } = applyLiveAlert(
        page.data,
        alert,
        this.filters(),
        !this.pager.hasPrevious(),
        PAGE_SIZE,
      );
      return { ...page, data: rows, hasMore: page.hasMore || overflowed };
    });
  }

  private replace(alert: AlertView): void {
    this.page.update((page) =>
      page ? { ...page, data: page.data.map((a) => (a.id === alert.id ? newerAlert(a, alert) : a)) } : page,
    );
  }
}

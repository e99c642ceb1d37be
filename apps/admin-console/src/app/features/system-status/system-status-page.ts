import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { SystemStatusView } from '@lsp/contracts';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { operationsStream } from '../../core/live/operations-stream';
import { SseService, type StreamState } from '../../core/live/sse.service';
import { AuditLink } from '../../shared/ui/audit-link';
import { LiveIndicator } from '../../shared/ui/live-indicator';
import { OpsBadge } from '../../shared/ui/ops-badge';
import { PageState } from '../../shared/ui/page-state';
import { SystemStatusApiService } from './system-status-api.service';
import { auditTarget, groupComponents, isSystemStatus, metricEntries } from './system-status-view';

/**
 * Every component the workers' System Status Checker probes (PostgreSQL, Redis, queues, workers, gateways,
 * the outbox), operational/degraded/down with detail, live from the `system-status` stream.
 */
@Component({
  selector: 'app-system-status-page',
  imports: [DatePipe, AuditLink, LiveIndicator, OpsBadge, PageState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './system-status-page.html',
  styleUrl: './system-status-page.scss',
})
export class SystemStatusPage {
  private readonly api = inject(SystemStatusApiService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly status = signal<SystemStatusView | null>(null);
  protected readonly groups = computed(() => {
    const status = this.status();
    return status ? groupComponents(status) : [];
  });
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly liveState = signal<StreamState>('connecting');
  protected readonly metrics = metricEntries;
  protected readonly auditTarget = auditTarget;

  constructor() {
    this.load();
    operationsStream<SystemStatusView>(inject(SseService), 'system-status', ['system.status'])
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((update) => {
        if (update.kind === 'state') {
          this.liveState.set(update.state);
        } else if (update.kind === 'truncated') {
          this.load();
        } else if (isSystemStatus(update.message.data)) {
          const next = update.message.data;
          // A replayed snapshot older than the one shown is not news.
          const current = this.status();
          if (!current || next.checkedAt >= current.checkedAt) {
            this.status.set(next);
            this.error.set(null);
          }
        }
      });
  }

  protected load(): void {
    this.loading.set(true);
    this.error.set(null);
    this.api
      .get()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (status) => {
          this.status.set(status);
          this.loading.set(false);
        },
        error: (error: unknown) => {
          this.error.set(toApiError(error));
          this.loading.set(false);
        },
      });
  }
}

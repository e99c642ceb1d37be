import { DatePipe, JsonPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  afterNextRender,
  effect,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { QueueJobView } from '@lsp/contracts';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { OpsBadge } from '../../shared/ui/ops-badge';
import { PageState } from '../../shared/ui/page-state';
import { QueuesApiService } from './queues-api.service';

/** One job: state, attempts, the redacted payload, logs and the last failure's stack trace. */
@Component({
  selector: 'app-job-detail-drawer',
  imports: [DatePipe, JsonPipe, OpsBadge, PageState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown.escape)': 'closed.emit()' },
  templateUrl: './job-detail-drawer.html',
  styleUrl: './job-detail-drawer.scss',
})
export class JobDetailDrawer {
  readonly queue = input.required<string>();
  readonly jobId = input.required<string>();
  readonly closed = output();

  private readonly api = inject(QueuesApiService);
  protected readonly job = signal<QueueJobView | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  private readonly requests = new Subject<{ queue: string; id: string }>();
  private readonly closeButton = viewChild.required<ElementRef<HTMLButtonElement>>('closeButton');

  constructor() {
    this.requests
      .pipe(
        switchMap(({ queue, id }) => {
          this.loading.set(true);
          this.error.set(null);
          return this.api.job(queue, id).pipe(
            tap({
              next: (job) => this.job.set(job),
              error: (error: unknown) => {
                this.job.set(null);
                this.error.set(toApiError(error));
              },
            }),
            catchError(() => EMPTY),
            finalize(() => this.loading.set(false)),
          );
        }),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe();
    effect(() => this.requests.next({ queue: this.queue(), id: this.jobId() }));
    afterNextRender(() => this.closeButton().nativeElement.focus());
  }

  protected retry(): void {
    this.requests.next({ queue: this.queue(), id: this.jobId() });
  }
}

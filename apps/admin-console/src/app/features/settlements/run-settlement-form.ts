import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, output, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { RunSettlementsRequest, SettlementRunView } from '@lsp/contracts';
import { type Subscription, finalize, switchMap, takeWhile, timer } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { localDateTimeToIso } from '../../shared/format/finance-labels';
import { ConfirmDialog } from '../../shared/ui/confirm-dialog';
import { StatusBadge } from '../../shared/ui/status-badge';
import { SettlementsApiService } from './settlements-api.service';

type Field = 'merchantId' | 'cutoff';

/** How often a requested run is re-read until the Settlement Processor has finished it. */
const RUN_POLL_MS = 1_000;

const isFinished = (run: SettlementRunView): boolean => run.status === 'completed' || run.status === 'failed';

/**
 * "Run settlement": merchant (optional: every merchant) and cut-off (optional: now), a confirmation, then
 * `POST /admin/settlements/run`. The API records the request and the workers carry it out, so the run is
 * followed here until it completes; `finished` tells the page to re-read its list.
 */
@Component({
  selector: 'app-run-settlement-form',
  imports: [DatePipe, ReactiveFormsModule, ConfirmDialog, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './run-settlement-form.html',
})
export class RunSettlementForm {
  private readonly api = inject(SettlementsApiService);
  private readonly destroyRef = inject(DestroyRef);

  readonly finished = output<SettlementRunView>();
  readonly cancelled = output();

  protected readonly form = inject(NonNullableFormBuilder).group({
    merchantId: ['', Validators.pattern(/^\s*(mer_[A-Za-z0-9]+)?\s*$/)],
    cutoff: [''],
  });
  protected readonly confirming = signal(false);
  protected readonly sending = signal(false);
  protected readonly apiError = signal<ApiError | null>(null);
  protected readonly run = signal<SettlementRunView | null>(null);
  protected readonly pending = signal<RunSettlementsRequest | null>(null);
  protected readonly confirmMessage = computed(() => {
    const request = this.pending();
    if (!request) {
      return '';
    }
    const who = request.merchantId ? `merchant ${request.merchantId}` : 'every merchant';
    const when = request.cutoff ? new Date(request.cutoff).toLocaleString() : 'now';
    return `Pay out to ${who} everything captured up to ${when} that is not settled yet. A settlement cannot be undone.`;
  });

  private polling: Subscription | null = null;

  protected showError(field: Field): boolean {
    const control = this.form.controls[field];
    return (control.invalid && control.touched) || this.apiError()?.param === field;
  }

  protected review(): void {
    this.form.markAllAsTouched();
    if (this.form.invalid) {
      return;
    }
    const value = this.form.getRawValue();
    const merchantId = value.merchantId.trim();
    const cutoff = localDateTimeToIso(value.cutoff);
    this.apiError.set(null);
    this.pending.set({ ...(merchantId ? { merchantId } : {}), ...(cutoff ? { cutoff } : {}) });
    this.confirming.set(true);
  }

  protected cancelConfirm(): void {
    if (!this.sending()) {
      this.confirming.set(false);
    }
  }

  protected confirm(): void {
    const request = this.pending();
    if (!request || this.sending()) {
      return;
    }
    this.sending.set(true);
    this.api
      .run(request)
      .pipe(
        finalize(() => {
          this.sending.set(false);
          this.confirming.set(false);
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (run) => {
          this.run.set(run);
          this.follow(run);
        },
        error: (error: unknown) => this.apiError.set(toApiError(error)),
      });
  }

  private follow(run: SettlementRunView): void {
    this.polling?.unsubscribe();
    if (isFinished(run)) {
      this.finished.emit(run);
      return;
    }
    this.polling = timer(RUN_POLL_MS, RUN_POLL_MS)
      .pipe(
        switchMap(() => this.api.getRun(run.id)),
        takeWhile((latest) => !isFinished(latest), true),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (latest) => {
          this.run.set(latest);
          if (isFinished(latest)) {
            this.finished.emit(latest);
          }
        },
        error: (error: unknown) => this.apiError.set(toApiError(error)),
      });
  }
}

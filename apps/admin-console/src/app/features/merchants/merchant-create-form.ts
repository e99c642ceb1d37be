import { ChangeDetectionStrategy, Component, DestroyRef, inject, output, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import {
  type CreateMerchantRequest,
  type CreateMerchantResponse,
  SETTLEMENT_SCHEDULES,
  type SettlementSchedule,
} from '@lsp/contracts';
import { finalize } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { MerchantsApiService } from './merchants-api.service';

type Field = 'name' | 'email' | 'settlementSchedule' | 'rateLimitPerMinute';

const SCHEDULE_LABELS: Record<SettlementSchedule, string> = {
  'T+1': 'T+1 — next business day',
  'T+2': 'T+2 — two business days',
  manual: 'Manual — only on request',
};

@Component({
  selector: 'app-merchant-create-form',
  imports: [ReactiveFormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './merchant-create-form.html',
})
export class MerchantCreateForm {
  private readonly api = inject(MerchantsApiService);
  private readonly destroyRef = inject(DestroyRef);

  readonly created = output<CreateMerchantResponse>();
  readonly cancelled = output();

  protected readonly schedules = SETTLEMENT_SCHEDULES.map((value) => ({
    value,
    label: SCHEDULE_LABELS[value],
  }));
  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly form = this.fb.group({
    name: ['', [Validators.required, Validators.maxLength(200)]],
    email: ['', [Validators.required, Validators.email]],
    settlementSchedule: ['T+1' as SettlementSchedule, Validators.required],
    // Empty means "use the platform default".
    rateLimitPerMinute: this.fb.control<number | null>(null, [
      Validators.min(1),
      Validators.max(1_000_000),
      Validators.pattern(/^\d+$/),
    ]),
  });
  protected readonly submitting = signal(false);
  protected readonly submitted = signal(false);
  protected readonly apiError = signal<ApiError | null>(null);

  protected showError(field: Field): boolean {
    const control = this.form.controls[field];
    return control.invalid && (control.touched || this.submitted());
  }

  /** The field the API blamed, for highlighting. */
  protected apiParamIs(field: Field): boolean {
    return this.apiError()?.param === field;
  }

  protected submit(): void {
    this.submitted.set(true);
    if (this.form.invalid || this.submitting()) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const request: CreateMerchantRequest = {
      name: value.name.trim(),
      email: value.email.trim(),
      settlementSchedule: value.settlementSchedule,
      ...(value.rateLimitPerMinute === null ? {} : { rateLimitPerMinute: value.rateLimitPerMinute }),
    };
    this.submitting.set(true);
    this.apiError.set(null);
    this.api
      .create(request)
      .pipe(
        finalize(() => this.submitting.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (response) => this.created.emit(response),
        error: (error: unknown) => this.apiError.set(toApiError(error)),
      });
  }
}

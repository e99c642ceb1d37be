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
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { PaymentView, RefundView } from '@lsp/contracts';
import { finalize } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { formatMinorUnits, minorToMajorInput, minorUnitExponent, parseMajorUnits } from '../../shared/format/money';
import { ConfirmDialog } from '../../shared/ui/confirm-dialog';
import { type RefundRequest, TransactionsApiService } from './transactions-api.service';

/** A refund the user confirmed, with the Idempotency-Key that identifies it to the API. */
interface ConfirmedRefund {
  paymentId: string;
  request: RefundRequest;
  idempotencyKey: string;
}

/** The API's refund refusals, in words an operator acts on. */
function refundErrorMessage(error: ApiError, refundable: string): string {
  switch (error.code) {
    case 'refund_exceeds_captured':
      return `That is more than is left to refund (${refundable}). Someone may have refunded this payment meanwhile; refresh and try a smaller amount.`;
    case 'payment_not_captured':
      return 'Only a captured payment can be refunded, and this one is not (or no longer) captured.';
    case 'insufficient_funds':
      return "The merchant's wallet does not hold enough to give back its share of this refund (its earnings on this payment were paid out). Nothing was refunded; try again once new payments have reached the wallet.";
    default:
      return error.message;
  }
}

/**
 * Amount (in major units, defaulting to everything still refundable) and reason, then a confirmation, then
 * `POST …/refunds`. Each confirmed refund gets its own Idempotency-Key; when the answer was lost (network
 * error, 5xx) confirming the same refund again reuses that key, so the API replays instead of paying twice.
 */
@Component({
  selector: 'app-refund-form',
  imports: [ReactiveFormsModule, ConfirmDialog],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './refund-form.html',
})
export class RefundForm {
  private readonly api = inject(TransactionsApiService);
  private readonly destroyRef = inject(DestroyRef);

  readonly payment = input.required<PaymentView>();
  /** Minor units still refundable. */
  readonly refundable = input.required<number>();
  readonly refunded = output<RefundView>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    amount: ['', Validators.required],
    reason: ['', Validators.maxLength(500)],
  });
  protected readonly submitted = signal(false);
  /** The amount the user typed, in minor units, or null when it is not a valid amount. */
  private readonly typedAmount = signal<number | null>(null);
  protected readonly amountProblem = computed(() => {
    const minor = this.typedAmount();
    if (minor === null) {
      const decimals = minorUnitExponent(this.payment().currency);
      return decimals === 0
        ? 'Enter a whole amount.'
        : `Enter an amount with at most ${decimals} decimals, e.g. ${minorToMajorInput(this.refundable(), this.payment().currency)}.`;
    }
    if (minor < 1) {
      return 'The amount must be more than zero.';
    }
    if (minor > this.refundable()) {
      return `At most ${this.refundableLabel()} can be refunded.`;
    }
    return null;
  });
  protected readonly refundableLabel = computed(() => formatMinorUnits(this.refundable(), this.payment().currency));
  /** A string, so a re-read payment with the same refundable amount does not overwrite what the user typed. */
  private readonly defaultAmount = computed(() => minorToMajorInput(this.refundable(), this.payment().currency));

  protected readonly pending = signal<ConfirmedRefund | null>(null);
  /** True while the confirmation is open (the panel leaves Escape to the dialog then). */
  readonly confirming = signal(false);
  protected readonly sending = signal(false);
  protected readonly apiError = signal<ApiError | null>(null);
  protected readonly apiErrorMessage = computed(() => {
    const error = this.apiError();
    return error ? refundErrorMessage(error, this.refundableLabel()) : null;
  });
  protected readonly confirmMessage = computed(() => {
    const pending = this.pending();
    if (!pending) {
      return '';
    }
    const payment = this.payment();
    const amount = formatMinorUnits(pending.request.amount ?? this.refundable(), payment.currency);
    return `${amount} of ${payment.id} goes back to the customer. A refund cannot be undone.`;
  });

  /** Kept after a failure whose outcome is unknown, so confirming the same refund again reuses its key. */
  private unsettled: ConfirmedRefund | null = null;

  constructor() {
    // Default to everything still refundable; follow it when it changes (another refund, a live update).
    effect(() => this.form.controls.amount.setValue(this.defaultAmount()));
    this.form.controls.amount.valueChanges
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((value) => this.typedAmount.set(parseMajorUnits(value, this.payment().currency)));
  }

  protected showAmountProblem(): boolean {
    return this.amountProblem() !== null && (this.form.controls.amount.touched || this.submitted());
  }

  /** First step: validate and ask for confirmation; nothing is sent yet. */
  protected review(): void {
    this.submitted.set(true);
    const amount = this.typedAmount();
    if (this.amountProblem() !== null || amount === null || this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const reason = this.form.controls.reason.value.trim();
    const request: RefundRequest = { amount, ...(reason ? { reason } : {}) };
    const paymentId = this.payment().id;
    const retry = this.unsettled;
    const sameRefund =
      retry !== null && retry.paymentId === paymentId && JSON.stringify(retry.request) === JSON.stringify(request);
    this.pending.set({
      paymentId,
      request,
      idempotencyKey: sameRefund ? retry.idempotencyKey : crypto.randomUUID(),
    });
    this.confirming.set(true);
  }

  protected cancel(): void {
    this.confirming.set(false);
    this.pending.set(null);
  }

  protected confirm(): void {
    const refund = this.pending();
    if (!refund || this.sending()) {
      return;
    }
    this.sending.set(true);
    this.apiError.set(null);
    this.api
      .refund(refund.paymentId, refund.request, refund.idempotencyKey)
      .pipe(
        finalize(() => {
          this.sending.set(false);
          this.confirming.set(false);
          this.pending.set(null);
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (result) => {
          this.unsettled = null;
          this.submitted.set(false);
          this.form.controls.reason.reset();
          this.refunded.emit(result);
        },
        error: (error: unknown) => {
          const failure = toApiError(error);
          // No answer, or the server failed midway: the refund may exist. Anything else was a clear refusal.
          this.unsettled = failure.status === 0 || failure.status >= 500 ? refund : null;
          this.apiError.set(failure);
        },
      });
  }
}

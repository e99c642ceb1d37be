import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  afterNextRender,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import type { PaymentView, RefundView } from '@lsp/contracts';
import { EMPTY, catchError, merge, switchMap, tap } from 'rxjs';
import { AuthService } from '../../core/auth/auth.service';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { NotificationService } from '../../core/notifications/notification.service';
import { MoneyPipe } from '../../shared/format/money.pipe';
import { formatMinorUnits } from '../../shared/format/money';
import { PageState } from '../../shared/ui/page-state';
import { StatusBadge } from '../../shared/ui/status-badge';
import { capturedAmount, refundableAmount } from './payment-amounts';
import { RefundForm } from './refund-form';
import { type PaymentTimelineEntry, TransactionsApiService } from './transactions-api.service';

/**
 * One payment in a side panel: amounts, every gateway attempt with the routing decision behind it, the event
 * timeline and, for roles that may move money, the refund form. It reads the payment itself, again whenever
 * `revision` changes (a live event concerned it) or after a refund, and reports what it read to the page.
 */
@Component({
  selector: 'app-payment-detail-panel',
  imports: [DatePipe, MoneyPipe, PageState, RefundForm, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown.escape)': 'onEscape()' },
  templateUrl: './payment-detail-panel.html',
  styleUrl: './payment-detail-panel.scss',
})
export class PaymentDetailPanel {
  private readonly api = inject(TransactionsApiService);
  private readonly auth = inject(AuthService);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);

  readonly paymentId = input.required<string>();
  readonly revision = input(0);
  readonly closed = output();
  readonly paymentChanged = output<PaymentView>();

  protected readonly payment = signal<PaymentView | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly timeline = signal<PaymentTimelineEntry[] | null>(null);
  protected readonly timelineError = signal<ApiError | null>(null);

  protected readonly canRefund = computed(() => this.auth.can('refundPayments'));
  protected readonly captured = computed(() => {
    const payment = this.payment();
    return payment ? capturedAmount(payment) : 0;
  });
  protected readonly refundable = computed(() => {
    const payment = this.payment();
    return payment ? refundableAmount(payment) : 0;
  });

  /** Re-reads after a refund of our own, on top of the page's live revisions. */
  private readonly localRevision = signal(0);
  private readonly closeButton = viewChild.required<ElementRef<HTMLButtonElement>>('closeButton');
  private readonly refundForm = viewChild(RefundForm);

  constructor() {
    const target = computed(() => ({ id: this.paymentId(), revision: this.revision() + this.localRevision() }));
    toObservable(target)
      .pipe(
        switchMap(({ id }) => {
          // Another payment: show the loading state. The same one again: refresh in place, no flicker.
          if (this.payment()?.id !== id) {
            this.payment.set(null);
            this.timeline.set(null);
            this.loading.set(true);
          }
          this.error.set(null);
          this.timelineError.set(null);
          const payment$ = this.api.get(id).pipe(
            tap((payment) => {
              this.payment.set(payment);
              this.loading.set(false);
              this.paymentChanged.emit(payment);
            }),
            catchError((error: unknown) => {
              this.error.set(toApiError(error));
              this.loading.set(false);
              return EMPTY;
            }),
          );
          const timeline$ = this.api.timeline(id).pipe(
            tap((entries) => this.timeline.set(entries)),
            catchError((error: unknown) => {
              this.timelineError.set(toApiError(error));
              return EMPTY;
            }),
          );
          return merge(payment$, timeline$);
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    // Keyboard users land in the panel they just opened.
    afterNextRender(() => this.closeButton().nativeElement.focus());
  }

  protected onEscape(): void {
    // Escape first dismisses the refund confirmation; only then the panel.
    if (!this.refundForm()?.confirming()) {
      this.closed.emit();
    }
  }

  protected retry(): void {
    this.localRevision.update((n) => n + 1);
  }

  protected onRefunded(refund: RefundView): void {
    const amount = formatMinorUnits(refund.amount, refund.currency);
    if (refund.status === 'failed') {
      this.notifications.error(
        `The gateway refused the refund of ${amount}${refund.failureMessage ? `: ${refund.failureMessage}` : '.'}`,
      );
    } else {
      this.notifications.success(
        refund.status === 'succeeded' ? `Refunded ${amount}.` : `Refund of ${amount} sent to the gateway.`,
      );
    }
    this.localRevision.update((n) => n + 1);
  }
}

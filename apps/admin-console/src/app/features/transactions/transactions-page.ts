import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  type AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import type { ListResponse, PaymentView } from '@lsp/contracts';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { PAGE_SIZE } from '../../core/api/api-config';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { SseService, type StreamMessage, type StreamState } from '../../core/live/sse.service';
import { CursorPager } from '../../shared/data/cursor-pager';
import { MoneyPipe } from '../../shared/format/money.pipe';
import { PageState } from '../../shared/ui/page-state';
import { Pager } from '../../shared/ui/pager';
import { StatusBadge } from '../../shared/ui/status-badge';
import { PAYMENT_STATUSES, isPaymentStatus } from './payment-amounts';
import { PaymentDetailPanel } from './payment-detail-panel';
import { type PaymentListQuery, TransactionsApiService } from './transactions-api.service';
import {
  STREAM_TRUNCATED,
  TRANSACTION_EVENT_TYPES,
  type TransactionStreamEvent,
  isPaymentEvent,
  isRefundEvent,
  matchesFilters,
  newer,
} from './transactions-live';

type PaymentFilters = Omit<PaymentListQuery, 'limit' | 'startingAfter'>;

const LIVE_LABELS: Record<StreamState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
};

/**
 * Payments, newest first, with filters, a detail panel and refunds. Rows follow the transactions stream while
 * it is connected; without it (no relay running, network trouble) the page still works from Refresh and from
 * re-fetching after the user's own actions.
 */
@Component({
  selector: 'app-transactions-page',
  imports: [DatePipe, ReactiveFormsModule, MoneyPipe, PageState, Pager, PaymentDetailPanel, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './transactions-page.html',
  styleUrl: './transactions-page.scss',
})
export class TransactionsPage {
  private readonly api = inject(TransactionsApiService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly staffView = this.api.staffView;
  protected readonly statuses = PAYMENT_STATUSES;
  protected readonly filterForm = inject(NonNullableFormBuilder).group(
    {
      status: [''],
      merchantId: ['', Validators.pattern(/^\s*(mer_[A-Za-z0-9]+)?\s*$/)],
      createdFrom: [''],
      createdTo: [''],
    },
    { validators: dateRangeValidator },
  );

  protected readonly filters = signal<PaymentFilters>({});
  protected readonly hasFilters = computed(() => Object.values(this.filters()).some((value) => value !== undefined));
  protected readonly pager = new CursorPager();
  protected readonly page = signal<ListResponse<PaymentView> | null>(null);
  protected readonly payments = computed(() => this.page()?.data ?? []);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);

  protected readonly selectedId = signal<string | null>(null);
  /** Bumped when a live event concerns the open payment, so the panel re-reads it. */
  protected readonly detailRevision = signal(0);

  protected readonly liveState = signal<StreamState>('connecting');
  protected readonly liveLabel = computed(() => LIVE_LABELS[this.liveState()]);

  private readonly queries = new Subject<PaymentListQuery>();

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

    inject(SseService)
      .connect<TransactionStreamEvent>('transactions', [...TRANSACTION_EVENT_TYPES, STREAM_TRUNCATED])
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((message) => this.onLive(message));
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
    this.filters.set({
      status: isPaymentStatus(value.status) ? value.status : undefined,
      merchantId: this.staffView() ? clean(value.merchantId) : undefined,
      createdFrom: startOfDay(value.createdFrom),
      createdTo: endOfDay(value.createdTo),
    });
    this.pager.reset();
    this.load();
  }

  protected resetFilters(): void {
    this.filterForm.reset();
    this.filters.set({});
    this.pager.reset();
    this.load();
  }

  protected nextPage(): void {
    const items = this.payments();
    const last = items[items.length - 1];
    if (last && this.page()?.hasMore) {
      this.pager.next(last.id);
      this.load();
    }
  }

  protected previousPage(): void {
    this.pager.previous();
    this.load();
  }

  protected open(payment: PaymentView): void {
    this.selectedId.set(payment.id);
  }

  protected closeDetail(): void {
    this.selectedId.set(null);
  }

  /** The panel read the payment afresh (or refunded it): show the same state in the row. */
  protected onPaymentChanged(payment: PaymentView): void {
    this.replaceRow(payment);
  }

  private onLive(message: StreamMessage<TransactionStreamEvent>): void {
    if (message.kind === 'state') {
      this.liveState.set(message.state);
      return;
    }
    if (message.type === STREAM_TRUNCATED) {
      this.load();
      if (this.selectedId()) {
        this.detailRevision.update((n) => n + 1);
      }
      return;
    }
    const event = message.data;
    let paymentId: string;
    if (isPaymentEvent(event)) {
      paymentId = event.data.object.id;
      this.applyLivePayment(event.data.object);
    } else if (isRefundEvent(event)) {
      // A refund event carries the refund; the payment's refunded amount and status come from re-reading it.
      paymentId = event.data.object.paymentId;
      if (this.payments().some((p) => p.id === paymentId) && this.selectedId() !== paymentId) {
        this.api
          .get(paymentId)
          .pipe(takeUntilDestroyed(this.destroyRef))
          .subscribe({ next: (payment) => this.replaceRow(payment), error: () => undefined });
      }
    } else {
      return;
    }
    if (this.selectedId() === paymentId) {
      // The panel re-reads the payment and its timeline and reports back through onPaymentChanged.
      this.detailRevision.update((n) => n + 1);
    }
  }

  private applyLivePayment(payment: PaymentView): void {
    if (this.payments().some((p) => p.id === payment.id)) {
      this.replaceRow(payment);
      return;
    }
    // New payments appear only where the list would show them: page one, within the filters.
    if (this.loading() || this.pager.hasPrevious() || !matchesFilters(payment, this.filters())) {
      return;
    }
    this.page.update((page) => {
      if (!page) {
        return page;
      }
      const data = [payment, ...page.data];
      return { ...page, data: data.slice(0, PAGE_SIZE), hasMore: page.hasMore || data.length > PAGE_SIZE };
    });
  }

  private replaceRow(payment: PaymentView): void {
    this.page.update((page) =>
      page && page.data.some((p) => p.id === payment.id)
        ? { ...page, data: page.data.map((p) => (p.id === payment.id ? newer(p, payment) : p)) }
        : page,
    );
  }
}

function clean(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A `yyyy-mm-dd` date input means that day in the operator's time zone. */
function startOfDay(day: string): string | undefined {
  return day ? new Date(`${day}T00:00:00`).toISOString() : undefined;
}

function endOfDay(day: string): string | undefined {
  return day ? new Date(`${day}T23:59:59.999`).toISOString() : undefined;
}

function dateRangeValidator(group: AbstractControl): ValidationErrors | null {
  const from: unknown = group.get('createdFrom')?.value;
  const to: unknown = group.get('createdTo')?.value;
  // ISO dates compare correctly as strings.
  return typeof from === 'string' && typeof to === 'string' && from && to && from > to ? { dateRange: true } : null;
}

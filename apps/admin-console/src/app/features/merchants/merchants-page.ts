import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  type CreateMerchantResponse,
  type ListResponse,
  MERCHANT_STATUSES,
  type MerchantStatus,
  type MerchantView,
} from '@lsp/contracts';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { AuthService } from '../../core/auth/auth.service';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { NotificationService } from '../../core/notifications/notification.service';
import { CursorPager } from '../../shared/data/cursor-pager';
import { ConfirmDialog } from '../../shared/ui/confirm-dialog';
import { OneTimeSecret } from '../../shared/ui/one-time-secret';
import { PageState } from '../../shared/ui/page-state';
import { Pager } from '../../shared/ui/pager';
import { StatusBadge } from '../../shared/ui/status-badge';
import { MerchantCreateForm } from './merchant-create-form';
import { type MerchantListQuery, MerchantsApiService } from './merchants-api.service';

interface StatusChange {
  merchant: MerchantView;
  status: MerchantStatus;
}

@Component({
  selector: 'app-merchants-page',
  imports: [DatePipe, DecimalPipe, ConfirmDialog, MerchantCreateForm, OneTimeSecret, PageState, Pager, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './merchants-page.html',
})
export class MerchantsPage {
  private readonly api = inject(MerchantsApiService);
  private readonly auth = inject(AuthService);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly statuses = MERCHANT_STATUSES;
  protected readonly canManage = computed(() => this.auth.can('manageMerchants'));

  protected readonly statusFilter = signal<MerchantStatus | ''>('');
  protected readonly pager = new CursorPager();
  protected readonly page = signal<ListResponse<MerchantView> | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly merchants = computed(() => this.page()?.data ?? []);

  protected readonly showCreate = signal(false);
  /** The create response, held only while its one-time API key secret is on screen. */
  protected readonly created = signal<CreateMerchantResponse | null>(null);

  protected readonly pendingChange = signal<StatusChange | null>(null);
  protected readonly changing = signal(false);

  /** switchMap: a newer query (filter, page) cancels the older one, so stale pages never win. */
  private readonly queries = new Subject<MerchantListQuery>();

  constructor() {
    this.queries
      .pipe(
        switchMap((query) => {
          this.loading.set(true);
          this.error.set(null);
          // Errors are caught per query so that the stream survives a failed page.
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
  }

  protected load(): void {
    this.queries.next({
      status: this.statusFilter() || undefined,
      startingAfter: this.pager.cursor(),
    });
  }

  protected onStatusFilter(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.statusFilter.set(isMerchantStatus(value) ? value : '');
    this.pager.reset();
    this.load();
  }

  protected nextPage(): void {
    const items = this.merchants();
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

  protected onCreated(response: CreateMerchantResponse): void {
    this.showCreate.set(false);
    this.created.set(response);
    this.notifications.success(`Merchant ${response.merchant.name} created.`);
    // Lists are newest first: the new merchant is at the top of page one.
    this.pager.reset();
    this.load();
  }

  protected askStatusChange(merchant: MerchantView, status: MerchantStatus): void {
    this.pendingChange.set({ merchant, status });
  }

  protected confirmStatusChange(): void {
    const change = this.pendingChange();
    if (!change || this.changing()) {
      return;
    }
    this.changing.set(true);
    this.api
      .update(change.merchant.id, { status: change.status })
      .pipe(
        finalize(() => {
          this.changing.set(false);
          this.pendingChange.set(null);
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (updated) => {
          this.page.update((page) =>
            page
              ? {
                  ...page,
                  data: page.data.map((m) => (m.id === updated.id ? updated : m)),
                }
              : page,
          );
          this.notifications.success(`${updated.name} is now ${updated.status}.`);
        },
        // The error interceptor has already shown the API's message and request id.
        error: () => undefined,
      });
  }
}

function isMerchantStatus(value: string): value is MerchantStatus {
  return (MERCHANT_STATUSES as readonly string[]).includes(value);
}

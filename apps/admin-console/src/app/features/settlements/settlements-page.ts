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
import { RouterLink } from '@angular/router';
import type { ListResponse, SettlementRunView, SettlementStatusView, SettlementView } from '@lsp/contracts';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { NotificationService } from '../../core/notifications/notification.service';
import { ROUTE_URLS } from '../../core/routes';
import { CursorPager } from '../../shared/data/cursor-pager';
import { endOfDayIso, startOfDayIso } from '../../shared/format/finance-labels';
import { MoneyPipe } from '../../shared/format/money.pipe';
import { PageState } from '../../shared/ui/page-state';
import { Pager } from '../../shared/ui/pager';
import { StatusBadge } from '../../shared/ui/status-badge';
import { RunSettlementForm } from './run-settlement-form';
import { type SettlementListQuery, SettlementsApiService } from './settlements-api.service';

type SettlementFilters = Omit<SettlementListQuery, 'limit' | 'startingAfter'>;

const STATUSES: readonly SettlementStatusView[] = ['processing', 'paid', 'failed'];

/** Settlements, newest first, with filters; finance and admins also run a settlement from here. */
@Component({
  selector: 'app-settlements-page',
  imports: [DatePipe, ReactiveFormsModule, RouterLink, MoneyPipe, PageState, Pager, RunSettlementForm, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './settlements-page.html',
})
export class SettlementsPage {
  private readonly api = inject(SettlementsApiService);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly staffView = this.api.staffView;
  protected readonly statuses = STATUSES;
  protected readonly settlementsUrl = ROUTE_URLS.settlements;
  protected readonly filterForm = inject(NonNullableFormBuilder).group(
    {
      status: [''],
      currency: ['', Validators.pattern(/^\s*([A-Za-z]{3})?\s*$/)],
      merchantId: ['', Validators.pattern(/^\s*(mer_[A-Za-z0-9]+)?\s*$/)],
      createdFrom: [''],
      createdTo: [''],
    },
    { validators: dateRangeValidator },
  );
  protected readonly filters = signal<SettlementFilters>({});
  protected readonly hasFilters = computed(() => Object.values(this.filters()).some((v) => v !== undefined));
  protected readonly pager = new CursorPager();
  protected readonly page = signal<ListResponse<SettlementView> | null>(null);
  protected readonly settlements = computed(() => this.page()?.data ?? []);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly showRun = signal(false);

  private readonly queries = new Subject<SettlementListQuery>();

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
    const status = STATUSES.find((s) => s === value.status);
    this.filters.set({
      status,
      currency: value.currency.trim().toUpperCase() || undefined,
      merchantId: this.staffView() ? value.merchantId.trim() || undefined : undefined,
      createdFrom: startOfDayIso(value.createdFrom),
      createdTo: endOfDayIso(value.createdTo),
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
    const items = this.settlements();
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

  protected onRunFinished(run: SettlementRunView): void {
    if (run.status === 'completed') {
      this.notifications.success(
        `Settlement run finished: ${run.settlementsCreated} settlement(s), ${run.itemsSettled} item(s).`,
      );
    } else {
      this.notifications.error(`Settlement run failed${run.error ? `: ${run.error}` : '.'}`);
    }
    this.pager.reset();
    this.load();
  }
}

function dateRangeValidator(group: AbstractControl): ValidationErrors | null {
  const from: unknown = group.get('createdFrom')?.value;
  const to: unknown = group.get('createdTo')?.value;
  return typeof from === 'string' && typeof to === 'string' && from && to && from > to ? { dateRange: true } : null;
}

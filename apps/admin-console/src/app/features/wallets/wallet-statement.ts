import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import {
  type AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  type ValidationErrors,
} from '@angular/forms';
import type { ListResponse, StatementLine, WalletAccountKind, WalletView } from '@lsp/contracts';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { CursorPager } from '../../shared/data/cursor-pager';
import {
  STATEMENT_TYPE_LABELS,
  WALLET_ACCOUNT_LABELS,
  endOfDayIso,
  signedMoney,
  startOfDayIso,
} from '../../shared/format/finance-labels';
import { formatMinorUnits } from '../../shared/format/money';
import { MoneyPipe } from '../../shared/format/money.pipe';
import { PageState } from '../../shared/ui/page-state';
import { Pager } from '../../shared/ui/pager';
import { type StatementQuery, WalletsApiService } from './wallets-api.service';

type StatementFilters = Omit<StatementQuery, 'limit' | 'startingAfter'>;

const ACCOUNTS = Object.keys(WALLET_ACCOUNT_LABELS) as WalletAccountKind[];

/**
 * One merchant's wallet: a card per currency (pending, available, settled — never summed across currencies)
 * and the statement of its wallet accounts, newest first, filtered by currency, account and dates, paged by
 * cursor. `merchantId` null is the signed-in merchant's own wallet.
 */
@Component({
  selector: 'app-wallet-statement',
  imports: [DatePipe, ReactiveFormsModule, MoneyPipe, PageState, Pager],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './wallet-statement.html',
  styleUrl: './wallets.scss',
})
export class WalletStatement {
  private readonly api = inject(WalletsApiService);
  private readonly destroyRef = inject(DestroyRef);

  readonly merchantId = input<string | null>(null);

  protected readonly accounts = ACCOUNTS;
  protected readonly accountLabels = WALLET_ACCOUNT_LABELS;
  protected readonly typeLabels = STATEMENT_TYPE_LABELS;

  protected readonly wallet = signal<WalletView | null>(null);
  protected readonly walletError = signal<ApiError | null>(null);
  protected readonly currencies = computed(() => this.wallet()?.balances.map((b) => b.currency) ?? []);

  protected readonly filterForm = inject(NonNullableFormBuilder).group(
    { currency: [''], account: [''], from: [''], to: [''] },
    { validators: dateRangeValidator },
  );
  protected readonly filters = signal<StatementFilters>({});
  protected readonly hasFilters = computed(() => Object.values(this.filters()).some((v) => v !== undefined));
  protected readonly pager = new CursorPager();
  protected readonly page = signal<ListResponse<StatementLine> | null>(null);
  protected readonly lines = computed(() => this.page()?.data ?? []);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);

  private readonly queries = new Subject<StatementQuery>();

  constructor() {
    toObservable(this.merchantId)
      .pipe(
        switchMap((merchantId) => {
          this.walletError.set(null);
          return this.api.get(merchantId).pipe(
            tap((wallet) => this.wallet.set(wallet)),
            catchError((error: unknown) => {
              this.walletError.set(toApiError(error));
              return EMPTY;
            }),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    this.queries
      .pipe(
        switchMap((query) => {
          this.loading.set(true);
          this.error.set(null);
          return this.api.statement(this.merchantId(), query).pipe(
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
    toObservable(this.merchantId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe(() => {
        this.pager.reset();
        this.load();
      });
  }

  protected load(): void {
    this.queries.next({ ...this.filters(), startingAfter: this.pager.cursor() });
  }

  protected refresh(): void {
    this.load();
    this.api
      .get(this.merchantId())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({ next: (wallet) => this.wallet.set(wallet), error: () => undefined });
  }

  protected applyFilters(): void {
    if (this.filterForm.invalid) {
      this.filterForm.markAllAsTouched();
      return;
    }
    const value = this.filterForm.getRawValue();
    this.filters.set({
      currency: value.currency || undefined,
      account: ACCOUNTS.find((account) => account === value.account),
      from: startOfDayIso(value.from),
      to: endOfDayIso(value.to),
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
    const lines = this.lines();
    const last = lines[lines.length - 1];
    if (last && this.page()?.hasMore) {
      this.pager.next(last.id);
      this.load();
    }
  }

  protected previousPage(): void {
    this.pager.previous();
    this.load();
  }

  protected signed(line: StatementLine): string {
    return signedMoney((abs) => formatMinorUnits(abs, line.currency), line.amount);
  }
}

function dateRangeValidator(group: AbstractControl): ValidationErrors | null {
  const from: unknown = group.get('from')?.value;
  const to: unknown = group.get('to')?.value;
  return typeof from === 'string' && typeof to === 'string' && from && to && from > to ? { dateRange: true } : null;
}

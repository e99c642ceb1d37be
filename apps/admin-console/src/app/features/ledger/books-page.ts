import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { ReconciliationReportView, TrialBalanceAccount, TrialBalanceView } from '@lsp/contracts';
import { finalize } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { MoneyPipe } from '../../shared/format/money.pipe';
import { PageState } from '../../shared/ui/page-state';
import { accountLabel, sortTrialBalanceAccounts } from './trial-balance';
import { LedgerApiService } from './ledger-api.service';

/**
 * The books: the trial balance (every account's balance, debits equal to credits per currency — or a loud
 * NOT balanced) and the reconciliation status (the nightly job's latest run, or every check run now).
 */
@Component({
  selector: 'app-books-page',
  imports: [DatePipe, MoneyPipe, PageState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './books-page.html',
  styleUrl: './ledger.scss',
})
export class BooksPage {
  private readonly api = inject(LedgerApiService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly label = accountLabel;

  protected readonly trialBalance = signal<TrialBalanceView | null>(null);
  protected readonly accounts = computed<TrialBalanceAccount[]>(() =>
    sortTrialBalanceAccounts(this.trialBalance()?.accounts ?? []),
  );
  protected readonly trialLoading = signal(true);
  protected readonly trialError = signal<ApiError | null>(null);

  protected readonly reconciliation = signal<ReconciliationReportView | null>(null);
  protected readonly reconLoading = signal(true);
  protected readonly reconError = signal<ApiError | null>(null);

  constructor() {
    this.loadTrialBalance();
    this.loadReconciliation(false);
  }

  protected loadTrialBalance(): void {
    this.trialLoading.set(true);
    this.trialError.set(null);
    this.api
      .trialBalance()
      .pipe(
        finalize(() => this.trialLoading.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (view) => this.trialBalance.set(view),
        error: (error: unknown) => this.trialError.set(toApiError(error)),
      });
  }

  protected loadReconciliation(live: boolean): void {
    this.reconLoading.set(true);
    this.reconError.set(null);
    this.api
      .reconciliation(live)
      .pipe(
        finalize(() => this.reconLoading.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (view) => this.reconciliation.set(view),
        error: (error: unknown) => this.reconError.set(toApiError(error)),
      });
  }
}

import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import type { ListResponse, WalletView } from '@lsp/contracts';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { ROUTE_URLS } from '../../core/routes';
import { CursorPager } from '../../shared/data/cursor-pager';
import { MoneyPipe } from '../../shared/format/money.pipe';
import { PageState } from '../../shared/ui/page-state';
import { Pager } from '../../shared/ui/pager';
import { WalletStatement } from './wallet-statement';
import { WalletsApiService } from './wallets-api.service';

/**
 * Finance and admins: every merchant's wallet, one row per merchant and currency. A merchant user: its own
 * wallet and statement, on the same URL.
 */
@Component({
  selector: 'app-wallets-page',
  imports: [ReactiveFormsModule, RouterLink, MoneyPipe, PageState, Pager, WalletStatement],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './wallets-page.html',
  styleUrl: './wallets.scss',
})
export class WalletsPage {
  private readonly api = inject(WalletsApiService);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly staffView = this.api.staffView;
  protected readonly walletsUrl = ROUTE_URLS.wallets;
  protected readonly pager = new CursorPager();
  protected readonly page = signal<ListResponse<WalletView> | null>(null);
  protected readonly wallets = computed(() => this.page()?.data ?? []);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly jumpForm = inject(NonNullableFormBuilder).group({
    merchantId: ['', [Validators.required, Validators.pattern(/^\s*mer_[A-Za-z0-9]+\s*$/)]],
  });

  private readonly queries = new Subject<string | undefined>();

  constructor() {
    if (!this.staffView()) {
      return;
    }
    this.queries
      .pipe(
        switchMap((startingAfter) => {
          this.loading.set(true);
          this.error.set(null);
          return this.api.list({ startingAfter }).pipe(
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
    this.queries.next(this.pager.cursor());
  }

  protected nextPage(): void {
    const wallets = this.wallets();
    const last = wallets[wallets.length - 1];
    if (last && this.page()?.hasMore) {
      this.pager.next(last.merchantId);
      this.load();
    }
  }

  protected previousPage(): void {
    this.pager.previous();
    this.load();
  }

  protected jump(): void {
    if (this.jumpForm.invalid) {
      this.jumpForm.markAllAsTouched();
      return;
    }
    void this.router.navigate([ROUTE_URLS.wallets, this.jumpForm.getRawValue().merchantId.trim()]);
  }
}

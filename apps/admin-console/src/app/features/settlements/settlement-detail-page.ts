import { DatePipe } from '@angular/common';
import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { SettlementDetailView, SettlementItemView } from '@lsp/contracts';
import { EMPTY, catchError, finalize, switchMap, tap } from 'rxjs';
import { ApiError, toApiError } from '../../core/errors/api-error';
import { ROUTE_URLS } from '../../core/routes';
import { signedMoney } from '../../shared/format/finance-labels';
import { formatMinorUnits } from '../../shared/format/money';
import { MoneyPipe } from '../../shared/format/money.pipe';
import { PageState } from '../../shared/ui/page-state';
import { StatusBadge } from '../../shared/ui/status-badge';
import { saveBlob } from './save-blob';
import { SettlementsApiService } from './settlements-api.service';

/** One settlement with its items (payments' net amounts, refunds taken back) and its CSV export. */
@Component({
  selector: 'app-settlement-detail-page',
  imports: [DatePipe, RouterLink, MoneyPipe, PageState, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './settlement-detail-page.html',
})
export class SettlementDetailPage {
  private readonly api = inject(SettlementsApiService);
  private readonly destroyRef = inject(DestroyRef);

  /** Bound from the route parameter. */
  readonly settlementId = input.required<string>();

  protected readonly settlementsUrl = ROUTE_URLS.settlements;
  protected readonly staffView = this.api.staffView;
  protected readonly settlement = signal<SettlementDetailView | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly downloading = signal(false);
  protected readonly downloadError = signal<ApiError | null>(null);

  constructor() {
    toObservable(this.settlementId)
      .pipe(
        switchMap((id) => {
          this.loading.set(true);
          this.error.set(null);
          return this.api.get(id).pipe(
            tap((settlement) => this.settlement.set(settlement)),
            catchError((error: unknown) => {
              this.error.set(toApiError(error));
              return EMPTY;
            }),
            finalize(() => this.loading.set(false)),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }

  protected retry(): void {
    this.loading.set(true);
    this.error.set(null);
    this.api
      .get(this.settlementId())
      .pipe(
        finalize(() => this.loading.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (settlement) => this.settlement.set(settlement),
        error: (error: unknown) => this.error.set(toApiError(error)),
      });
  }

  protected signed(item: SettlementItemView, currency: string): string {
    return signedMoney((abs) => formatMinorUnits(abs, currency), item.amount);
  }

  protected download(): void {
    const id = this.settlementId();
    this.downloading.set(true);
    this.downloadError.set(null);
    this.api
      .csv(id)
      .pipe(
        finalize(() => this.downloading.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (blob) => saveBlob(blob, `settlement-${id}.csv`),
        error: (error: unknown) => void this.showDownloadError(error),
      });
  }

  /** A blob request's error body is a Blob too: read it back into the API's error object. */
  private async showDownloadError(error: unknown): Promise<void> {
    if (error instanceof HttpErrorResponse && error.error instanceof Blob) {
      try {
        const body: unknown = JSON.parse(await error.error.text());
        this.downloadError.set(
          ApiError.fromHttpError(
            new HttpErrorResponse({
              error: body,
              headers: error.headers,
              status: error.status,
              statusText: error.statusText,
            }),
          ),
        );
        return;
      } catch {
        // Not JSON: fall through to the generic message.
      }
    }
    this.downloadError.set(toApiError(error));
  }
}

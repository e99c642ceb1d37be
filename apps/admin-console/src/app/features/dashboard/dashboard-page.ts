import { ChangeDetectionStrategy, Component, DestroyRef, LOCALE_ID, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { AnalyticsOverview } from '@lsp/contracts';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { formatMinorUnits } from '../../shared/format/money';
import { MoneyPipe } from '../../shared/format/money.pipe';
import { formatCount, formatMs, formatPercent } from '../../shared/format/ops-format';
import { LineChart } from '../../shared/ui/charts/line-chart';
import { PageState } from '../../shared/ui/page-state';
import { AnalyticsApiService, type OverviewQuery } from './analytics-api.service';
import {
  type DashboardKpis,
  bucketLabel,
  bucketTicks,
  countSeries,
  kpis,
  seriesCurrencies,
  volumeSeries,
} from './dashboard-series';
import { RANGE_PRESETS, type RangePreset, customRange, presetRange } from './date-range';
import { TransactionTicker } from './transaction-ticker';

/**
 * The business at a glance: KPIs and charts from the analytics rollups for a chosen range (optionally one
 * merchant), and payments as they happen from the transactions stream.
 */
@Component({
  selector: 'app-dashboard-page',
  imports: [ReactiveFormsModule, LineChart, MoneyPipe, PageState, TransactionTicker],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './dashboard-page.html',
  styleUrl: './dashboard-page.scss',
})
export class DashboardPage {
  private readonly api = inject(AnalyticsApiService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly locale = inject(LOCALE_ID);

  protected readonly presets = RANGE_PRESETS;
  protected readonly rangeForm = inject(NonNullableFormBuilder).group({
    preset: ['24h' as RangePreset],
    fromDay: [''],
    toDay: [''],
    merchantId: ['', Validators.pattern(/^\s*(mer_[0-9A-Z]{26})?\s*$/)],
  });
  protected readonly rangeError = signal<string | null>(null);

  protected readonly overview = signal<AnalyticsOverview | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);

  protected readonly kpis = computed<DashboardKpis | null>(() => {
    const overview = this.overview();
    return overview ? kpis(overview) : null;
  });
  protected readonly countSeries = computed(() => {
    const overview = this.overview();
    return overview ? countSeries(overview) : [];
  });
  protected readonly volumeCharts = computed(() => {
    const overview = this.overview();
    if (!overview) {
      return [];
    }
    return seriesCurrencies(overview).map((currency) => ({
      currency,
      series: volumeSeries(overview, currency),
      formatY: (minor: number) => formatMinorUnits(minor, currency, this.locale),
    }));
  });
  protected readonly xTicks = computed(() => {
    const overview = this.overview();
    return overview ? bucketTicks(overview) : undefined;
  });
  protected readonly formatX = computed(() => bucketLabel(this.overview()?.granularity ?? 'hour', this.locale));
  protected readonly formatCount = (value: number) => formatCount(value, this.locale);
  protected readonly percent = (share: number | null) => formatPercent(share, this.locale);
  protected readonly ms = (value: number | null) => formatMs(value, this.locale);

  private readonly queries = new Subject<OverviewQuery>();

  constructor() {
    this.queries
      .pipe(
        switchMap((query) => {
          this.loading.set(true);
          this.error.set(null);
          return this.api.overview(query).pipe(
            tap({
              next: (overview) => this.overview.set(overview),
              error: (error: unknown) => {
                this.overview.set(null);
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
    if (this.rangeForm.invalid) {
      this.rangeForm.markAllAsTouched();
      return;
    }
    const value = this.rangeForm.getRawValue();
    const range =
      value.preset === 'custom' ? customRange(value.fromDay, value.toDay) : presetRange(value.preset, Date.now());
    if ('error' in range) {
      this.rangeError.set(range.error);
      return;
    }
    this.rangeError.set(null);
    const merchantId = value.merchantId.trim();
    this.queries.next({ ...range, merchantId: merchantId === '' ? undefined : merchantId });
  }

  protected gatewayLabel(code: string): string {
    // The API reports payments that reached no gateway under ''.
    return code === '' ? 'no gateway reached' : code;
  }
}

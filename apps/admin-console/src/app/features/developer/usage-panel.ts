import { DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { ApiUsageView } from '@lsp/contracts';
import { finalize } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { LineChart } from '../../shared/ui/line-chart';
import { PageState } from '../../shared/ui/page-state';
import { DeveloperApiService, type DeveloperScope } from './developer-api.service';
import { usageCharts } from './usage-series';

const DAY_MS = 86_400_000;
const RANGES = [7, 30, 90] as const;

const formatDay = (epochMs: number) =>
  new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(epochMs));
const formatCount = (value: number) => new Intl.NumberFormat().format(value);
// An empty chart's axis has fractional ticks; rounding them all to whole ms would repeat labels.
const formatMs = (value: number) =>
  `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(value)} ms`;

/** API usage over time (API-key calls, about 15 s behind): calls per day, status classes, p95 latency, routes. */
@Component({
  selector: 'app-usage-panel',
  imports: [DecimalPipe, LineChart, PageState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card card-pad" data-testid="usage-panel">
      <header class="page-header">
        <div>
          <h2 class="card-title">API usage</h2>
          <p class="page-subtitle">Calls made with the merchant's API keys, per UTC day.</p>
        </div>
        <div class="field field-inline">
          <label for="usage-range">Range</label>
          <select id="usage-range" data-testid="usage-range" #range (change)="setRange(range.value)">
            @for (days of ranges; track days) {
              <option [value]="days" [selected]="days === rangeDays()">Last {{ days }} days</option>
            }
          </select>
        </div>
      </header>
      @if (loading()) {
        <app-page-state kind="loading" message="Loading usage…" />
      } @else if (error(); as failure) {
        <app-page-state kind="error" [message]="failure.message" [requestId]="failure.requestId" (retry)="load()" />
      } @else if (usage(); as view) {
        <p data-testid="usage-summary">
          <strong data-testid="usage-total">{{ view.totalCalls | number }}</strong> calls · p95
          {{ view.p95LatencyMs === null ? '—' : view.p95LatencyMs + ' ms' }}
          @for (entry of statusEntries(); track entry[0]) {
            · {{ entry[0] }}: {{ entry[1] | number }}
          }
        </p>
        @if (charts(); as c) {
          <div class="usage-charts">
            <app-line-chart
              testId="usage-calls-chart"
              caption="Calls per day"
              ariaLabel="API calls per day"
              [series]="c.calls"
              [formatX]="formatDay"
              [formatY]="formatCount"
              [xMin]="c.xMin"
              [xMax]="c.xMax"
              [yMin]="0"
            />
            <app-line-chart
              testId="usage-status-chart"
              caption="Calls per status class"
              ariaLabel="API calls per day by status class"
              [series]="c.statusClasses"
              [formatX]="formatDay"
              [formatY]="formatCount"
              [xMin]="c.xMin"
              [xMax]="c.xMax"
              [yMin]="0"
            />
            <app-line-chart
              testId="usage-p95-chart"
              caption="p95 latency"
              ariaLabel="p95 latency per day in milliseconds"
              [series]="c.p95"
              [formatX]="formatDay"
              [formatY]="formatMs"
              [xMin]="c.xMin"
              [xMax]="c.xMax"
              [yMin]="0"
            />
          </div>
        }
        @if (view.routes.length > 0) {
          <div class="table-wrap">
            <table class="data-table" data-testid="usage-routes">
              <thead>
                <tr>
                  <th scope="col">Route</th>
                  <th scope="col" class="num">Calls</th>
                  <th scope="col" class="num">p95</th>
                  <th scope="col">Status classes</th>
                </tr>
              </thead>
              <tbody>
                @for (route of view.routes; track route.route) {
                  <tr data-testid="usage-route-row">
                    <td>
                      <code>{{ route.route }}</code>
                    </td>
                    <td class="num">{{ route.calls | number }}</td>
                    <td class="num">{{ route.p95LatencyMs === null ? '—' : route.p95LatencyMs + ' ms' }}</td>
                    <td>{{ classesOf(route.byStatusClass) }}</td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
      }
    </section>
  `,
  styles: `
    .usage-charts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(320px, 1fr));
      gap: 1rem;
      margin-bottom: 1rem;
    }
  `,
})
export class UsagePanel {
  private readonly api = inject(DeveloperApiService);
  private readonly destroyRef = inject(DestroyRef);

  readonly scope = input.required<DeveloperScope>();

  protected readonly ranges = RANGES;
  protected readonly formatDay = formatDay;
  protected readonly formatCount = formatCount;
  protected readonly formatMs = formatMs;
  protected readonly rangeDays = signal<number>(30);
  protected readonly usage = signal<ApiUsageView | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly charts = computed(() => {
    const usage = this.usage();
    return usage ? usageCharts(usage) : null;
  });
  protected readonly statusEntries = computed(() =>
    Object.entries(this.usage()?.byStatusClass ?? {}).sort(([a], [b]) => a.localeCompare(b)),
  );

  constructor() {
    effect(() => {
      this.scope();
      untracked(() => this.load());
    });
  }

  protected setRange(value: string): void {
    const days = Number(value);
    this.rangeDays.set((RANGES as readonly number[]).includes(days) ? days : 30);
    this.load();
  }

  protected classesOf(byStatusClass: Record<string, number>): string {
    return Object.entries(byStatusClass)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([statusClass, calls]) => `${statusClass} ${formatCount(calls)}`)
      .join(' · ');
  }

  protected load(): void {
    const to = new Date();
    const from = new Date(to.getTime() - (this.rangeDays() - 1) * DAY_MS);
    from.setUTCHours(0, 0, 0, 0);
    this.loading.set(true);
    this.error.set(null);
    this.api
      .usage(this.scope(), from.toISOString(), to.toISOString())
      .pipe(
        finalize(() => this.loading.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (usage) => this.usage.set(usage),
        error: (error: unknown) => this.error.set(toApiError(error)),
      });
  }
}

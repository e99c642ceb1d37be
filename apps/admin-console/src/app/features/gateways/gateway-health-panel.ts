import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { GatewayView } from '@lsp/contracts';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { formatMs, formatPercent } from '../../shared/format/ops-format';
import type { ChartSeries } from '../../shared/ui/line-chart-config';
import { LineChart } from '../../shared/ui/line-chart';
import { PageState } from '../../shared/ui/page-state';
import { StatusBadge } from '../../shared/ui/status-badge';
import { GatewaysApiService } from './gateways-api.service';
import type { GatewayHealthSample, LiveHealth } from './gateway-types';

export const HISTORY_RANGES = [
  { hours: 1, label: '1 hour' },
  { hours: 6, label: '6 hours' },
  { hours: 24, label: '24 hours' },
  { hours: 168, label: '7 days' },
] as const;

type Range = (typeof HISTORY_RANGES)[number]['hours'];

/**
 * One gateway's health now (kept live by the page) and over time, from `GET /:id/health/history`. A server
 * that does not record history yet answers 404: that is the empty state, not an error.
 */
@Component({
  selector: 'app-gateway-health-panel',
  imports: [DatePipe, LineChart, PageState, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './gateway-health-panel.html',
  styleUrl: './gateway-health-panel.scss',
  host: { '(document:keydown.escape)': 'closed.emit()' },
})
export class GatewayHealthPanel {
  private readonly api = inject(GatewaysApiService);

  readonly gateway = input.required<GatewayView>();
  readonly health = input<LiveHealth | undefined>(undefined);
  readonly closed = output();

  protected readonly ranges = HISTORY_RANGES;
  protected readonly range = signal<Range>(24);
  protected readonly samples = signal<GatewayHealthSample[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  /** The window last asked for, as the charts' x range. */
  protected readonly window = signal<{ from: number; to: number } | null>(null);

  protected readonly formatPercent = (v: number) => formatPercent(v);
  protected readonly formatLatency = (v: number) => formatMs(v);
  /** Hours and minutes within a day; the date as well over longer windows. */
  protected readonly formatTime = computed(() => {
    const format = new Intl.DateTimeFormat(
      undefined,
      this.range() > 24 ? { month: 'short', day: 'numeric', hour: '2-digit' } : { hour: '2-digit', minute: '2-digit' },
    );
    return (epochMs: number) => format.format(new Date(epochMs));
  });
  protected readonly percentText = formatPercent;
  protected readonly latencyText = formatMs;

  protected readonly successSeries = computed<ChartSeries[]>(() => [
    { label: 'Success rate', points: this.samples().map((s) => ({ x: Date.parse(s.at), y: s.successRate })) },
  ]);
  protected readonly latencySeries = computed<ChartSeries[]>(() => [
    { label: 'p95 latency', points: this.samples().map((s) => ({ x: Date.parse(s.at), y: s.p95LatencyMs })) },
    {
      label: 'Probe latency',
      points: this.samples().map((s) => ({ x: Date.parse(s.at), y: s.probeLatencyMs })),
      color: '#8a5a00',
    },
  ]);
  protected readonly totals = computed(() =>
    this.samples().reduce((sum, s) => ({ attempts: sum.attempts + s.attempts, failures: sum.failures + s.failures }), {
      attempts: 0,
      failures: 0,
    }),
  );
  protected readonly lastProbeError = computed(
    () => [...this.samples()].reverse().find((s) => s.probeError)?.probeError ?? null,
  );

  private readonly requests = new Subject<{ id: string; hours: number }>();
  private readonly closeButton = viewChild.required<ElementRef<HTMLButtonElement>>('closeButton');

  constructor() {
    this.requests
      .pipe(
        switchMap(({ id, hours }) => {
          this.loading.set(true);
          this.error.set(null);
          const to = new Date();
          const from = new Date(to.getTime() - hours * 3_600_000);
          this.window.set({ from: from.getTime(), to: to.getTime() });
          // Errors are handled per request so that the next range or retry still loads.
          return this.api.history(id, from.toISOString(), to.toISOString()).pipe(
            tap({
              next: (response) => this.samples.set(response.data),
              error: (error: unknown) => this.onError(error),
            }),
            catchError(() => EMPTY),
            finalize(() => this.loading.set(false)),
          );
        }),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe();
    effect(() => {
      const id = this.gateway().id;
      const hours = this.range();
      untracked(() => this.requests.next({ id, hours }));
    });
    afterNextRender(() => this.closeButton().nativeElement.focus());
  }

  protected selectRange(event: Event): void {
    const hours = Number((event.target as HTMLSelectElement).value);
    const known = HISTORY_RANGES.find((r) => r.hours === hours);
    if (known) {
      this.range.set(known.hours);
    }
  }

  protected retry(): void {
    this.requests.next({ id: this.gateway().id, hours: this.range() });
  }

  private onError(error: unknown): void {
    this.samples.set([]);
    const failure = toApiError(error);
    if (failure.status !== 404) {
      this.error.set(failure);
    }
  }
}

import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  InjectionToken,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { Chart, Filler, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import { type ChartSeries, type LineChartConfig, lineChartConfig, summarizeSeries } from './line-chart-config';

/** What the component needs of a chart: replace its data and options, and free its canvas. */
export interface ChartHandle {
  update(config: LineChartConfig): void;
  destroy(): void;
}

let registered = false;

/** Draws with chart.js; unit tests (jsdom has no canvas) provide a recording fake instead. */
export const CHART_FACTORY = new InjectionToken<(canvas: HTMLCanvasElement, config: LineChartConfig) => ChartHandle>(
  'CHART_FACTORY',
  {
    providedIn: 'root',
    factory: () => (canvas, config) => {
      if (!registered) {
        // Only the pieces a line chart uses, so the bundle stays small.
        Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend, Filler);
        registered = true;
      }
      const chart = new Chart(canvas, config);
      return {
        update: (next) => {
          chart.data = next.data;
          chart.options = next.options ?? {};
          chart.update('none');
        },
        destroy: () => chart.destroy(),
      };
    },
  },
);

const defaultFormatX = (epochMs: number) =>
  new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(epochMs));

/**
 * A time-series line chart (chart.js) with a text summary for screen readers. Inputs are plain data and
 * formatters, so any page can chart any series: `<app-line-chart [series]="…" [formatY]="formatPercent" />`.
 */
@Component({
  selector: 'app-line-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure class="line-chart" [attr.data-testid]="testId()">
      @if (caption()) {
        <figcaption class="line-chart-caption">{{ caption() }}</figcaption>
      }
      <div class="line-chart-canvas" [style.height.px]="height()">
        <canvas #canvas role="img" [attr.aria-label]="ariaLabel()"></canvas>
      </div>
      <ul class="visually-hidden" [attr.data-testid]="testId() + '-summary'">
        @for (line of summary(); track $index) {
          <li>{{ line }}</li>
        }
      </ul>
    </figure>
  `,
  styles: `
    .line-chart {
      margin: 0;
    }
    .line-chart-caption {
      font-size: 0.85rem;
      font-weight: 600;
      margin-bottom: 0.25rem;
    }
    .line-chart-canvas {
      position: relative;
    }
  `,
})
export class LineChart {
  readonly series = input.required<readonly ChartSeries[]>();
  readonly ariaLabel = input.required<string>();
  readonly caption = input('');
  readonly formatY = input<(value: number) => string>((v) => String(v));
  readonly formatX = input<(epochMs: number) => string>(defaultFormatX);
  readonly yMin = input<number | undefined>(undefined);
  readonly yMax = input<number | undefined>(undefined);
  readonly xTicks = input<readonly number[] | undefined>(undefined);
  readonly height = input(200);
  readonly testId = input('line-chart');

  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private readonly createChart = inject(CHART_FACTORY);
  private readonly handle = signal<ChartHandle | null>(null);

  protected readonly config = computed(() =>
    lineChartConfig(this.series(), {
      formatY: this.formatY(),
      formatX: this.formatX(),
      yMin: this.yMin(),
      yMax: this.yMax(),
      xTicks: this.xTicks(),
    }),
  );
  protected readonly summary = computed(() => summarizeSeries(this.series(), this.formatY()));

  constructor() {
    // chart.js measures its canvas, so it is created only once the view is in the DOM.
    afterNextRender(() => this.handle.set(this.createChart(this.canvas().nativeElement, this.config())));
    let first = true;
    effect(() => {
      const config = this.config();
      const handle = this.handle();
      if (!handle) {
        return;
      }
      // The first config is the one the chart was created with.
      if (first) {
        first = false;
        return;
      }
      handle.update(config);
    });
    inject(DestroyRef).onDestroy(() => this.handle()?.destroy());
  }
}

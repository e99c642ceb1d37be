import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { formatPercent } from '../format/ops-format';
import { type ChartSeries, type LineChartConfig, lineChartConfig, summarizeSeries } from './line-chart-config';
import { CHART_FACTORY, LineChart } from './line-chart';

const series: ChartSeries[] = [
  {
    label: 'Success rate',
    points: [
      { x: Date.UTC(2026, 10, 26, 10, 0), y: 0.9 },
      { x: Date.UTC(2026, 10, 26, 10, 5), y: null },
      { x: Date.UTC(2026, 10, 26, 10, 10), y: 1 },
    ],
  },
];

describe('lineChartConfig', () => {
  const config = lineChartConfig(series, {
    formatY: (v) => formatPercent(v),
    formatX: (ms) => new Date(ms).toISOString().slice(11, 16),
    yMin: 0,
    yMax: 1,
  });

  it('plots epoch-millisecond points on a linear axis and leaves gaps where there was no data', () => {
    const [dataset] = config.data.datasets;
    expect(dataset?.data).toEqual(series[0]?.points);
    expect(dataset?.spanGaps).toBe(false);
    expect(config.options?.scales?.['x']?.type).toBe('linear');
    expect(config.options?.scales?.['y']?.min).toBe(0);
    expect(config.options?.scales?.['y']?.max).toBe(1);
  });

  it('formats the axes with the given formatters', () => {
    const y = config.options?.scales?.['y']?.ticks as { callback: (v: number) => string };
    const x = config.options?.scales?.['x']?.ticks as { callback: (v: number) => string };
    expect(y.callback(0.5)).toBe('50%');
    expect(x.callback(Date.UTC(2026, 10, 26, 10, 5))).toBe('10:05');
  });

  it('puts the x ticks where asked, starting the axis at the first, and keeps the chosen window otherwise', () => {
    const ticks = [Date.UTC(2026, 10, 26, 10, 0), Date.UTC(2026, 10, 26, 11, 0)];
    const format = { formatY: String, formatX: String };
    const x = lineChartConfig(series, { ...format, xTicks: ticks }).options?.scales?.['x'] as unknown as {
      min?: number;
      afterBuildTicks: (axis: { ticks: { value: number }[] }) => void;
    };
    const axis = { ticks: [{ value: 1 }] };
    x.afterBuildTicks(axis);
    expect(axis.ticks).toEqual(ticks.map((value) => ({ value })));
    expect(x.min).toBe(ticks[0]);
    const windowed = lineChartConfig(series, { ...format, xMin: 5, xMax: 9 }).options?.scales?.['x'];
    expect([windowed?.min, windowed?.max, 'afterBuildTicks' in (windowed ?? {})]).toEqual([5, 9, false]);
  });

  it('gives up to ten lines distinct palette colours', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ label: `q${i}`, points: [] }));
    const colours = lineChartConfig(many, { formatY: String, formatX: String }).data.datasets.map((d) => d.borderColor);
    expect(new Set(colours).size).toBe(10);
  });
});

describe('summarizeSeries', () => {
  it('describes each series in words for screen readers, skipping gaps', () => {
    expect(summarizeSeries(series, (v) => formatPercent(v))).toEqual([
      'Success rate: latest 100%, lowest 90%, highest 100% over 2 samples.',
    ]);
    expect(summarizeSeries([{ label: 'p95', points: [] }], String)).toEqual(['p95: no data.']);
  });
});

@Component({
  imports: [LineChart],
  template: `<app-line-chart ariaLabel="Success over time" [series]="data()" [formatY]="format" />`,
})
class Host {
  readonly data = signal<ChartSeries[]>(series);
  readonly format = (v: number) => formatPercent(v);
}

describe('LineChart', () => {
  it('creates the chart once rendered, updates it with new data, and destroys it with the view', async () => {
    const created: LineChartConfig[] = [];
    const updates: LineChartConfig[] = [];
    let destroyed = 0;
    TestBed.configureTestingModule({
      providers: [
        {
          provide: CHART_FACTORY,
          useValue: (_canvas: HTMLCanvasElement, config: LineChartConfig) => {
            created.push(config);
            return { update: (c: LineChartConfig) => updates.push(c), destroy: () => (destroyed += 1) };
          },
        },
      ],
    });
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;

    expect(created).toHaveLength(1);
    expect(el.querySelector('canvas')?.getAttribute('aria-label')).toBe('Success over time');
    expect(el.querySelector('[data-testid="line-chart-summary"]')?.textContent).toContain('latest 100%');

    fixture.componentInstance.data.set([{ label: 'Success rate', points: [{ x: 1, y: 0.5 }] }]);
    await fixture.whenStable();
    expect(updates).toHaveLength(1);
    expect(updates[0]?.data.datasets[0]?.data).toEqual([{ x: 1, y: 0.5 }]);
    expect(el.querySelector('[data-testid="line-chart-summary"]')?.textContent).toContain('latest 50%');

    fixture.destroy();
    expect(destroyed).toBe(1);
  });
});

import type { ChartConfiguration } from 'chart.js';

/** One point of a time series: `x` is an epoch millisecond, `y` null where there was no data (drawn as a gap). */
export interface ChartPoint {
  x: number;
  y: number | null;
}

export interface ChartSeries {
  label: string;
  points: readonly ChartPoint[];
  /** Any CSS colour; a palette colour by position when absent. */
  color?: string;
}

export interface LineChartOptions {
  formatY: (value: number) => string;
  formatX: (epochMs: number) => string;
  yMin?: number;
  yMax?: number;
  /** Where the x ticks go (e.g. bucket starts); chart.js's own "nice" numbers of milliseconds otherwise. */
  xTicks?: readonly number[];
}

export type LineChartConfig = ChartConfiguration<'line', ChartPoint[]>;

// Ten distinct hues: one line per queue must stay tellable apart.
const PALETTE = [
  '#1d5bd8',
  '#c62828',
  '#1b7f43',
  '#8a5a00',
  '#6a1b9a',
  '#00838f',
  '#d84315',
  '#5d4037',
  '#ad1457',
  '#546e7a',
];

/** The chart.js configuration for time series: a linear x axis of epoch ms, so no date adapter is needed. */
export function lineChartConfig(series: readonly ChartSeries[], options: LineChartOptions): LineChartConfig {
  return {
    type: 'line',
    data: {
      datasets: series.map((s, i) => {
        const color = s.color ?? PALETTE[i % PALETTE.length];
        return {
          label: s.label,
          data: s.points.map((p) => ({ x: p.x, y: p.y })),
          borderColor: color,
          backgroundColor: color,
          borderWidth: 2,
          pointRadius: s.points.length > 60 ? 0 : 2,
          tension: 0.2,
          // A window without traffic is a gap, not a straight line pretending to be data.
          spanGaps: false,
        };
      }),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          ticks: { maxTicksLimit: 6, callback: (value) => options.formatX(Number(value)) },
          ...(options.xTicks
            ? {
                min: options.xTicks[0],
                afterBuildTicks: (axis: { ticks: { value: number }[] }) => {
                  axis.ticks = (options.xTicks ?? []).map((value) => ({ value }));
                },
              }
            : {}),
        },
        y: {
          type: 'linear',
          min: options.yMin,
          max: options.yMax,
          ticks: { maxTicksLimit: 5, callback: (value) => options.formatY(Number(value)) },
        },
      },
      plugins: {
        legend: { display: series.length > 1 },
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? options.formatX(items[0].parsed.x ?? 0) : ''),
            label: (item) => `${item.dataset.label ?? ''}: ${options.formatY(item.parsed.y ?? 0)}`,
          },
        },
      },
    },
  };
}

/**
 * A text summary of each series (latest, lowest, highest) for screen readers, which cannot read a canvas.
 * `null` points are skipped; a series without data says so.
 */
export function summarizeSeries(series: readonly ChartSeries[], formatY: (value: number) => string): string[] {
  return series.map((s) => {
    const values = s.points.map((p) => p.y).filter((y): y is number => y !== null && Number.isFinite(y));
    if (values.length === 0) {
      return `${s.label}: no data.`;
    }
    const latest = values[values.length - 1] as number;
    return (
      `${s.label}: latest ${formatY(latest)}, lowest ${formatY(Math.min(...values))}, ` +
      `highest ${formatY(Math.max(...values))} over ${values.length} samples.`
    );
  });
}

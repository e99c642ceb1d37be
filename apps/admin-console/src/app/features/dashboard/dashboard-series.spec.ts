import type { AnalyticsOverview } from '@lsp/contracts';
import {
  bucketLabel,
  bucketStarts,
  bucketTicks,
  countSeries,
  kpis,
  seriesCurrencies,
  volumeSeries,
} from './dashboard-series';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

function overview(overrides: Partial<AnalyticsOverview> = {}): AnalyticsOverview {
  return {
    from: '2026-11-26T07:30:00.000Z',
    to: '2026-11-26T10:15:00.000Z',
    merchantId: null,
    granularity: 'hour',
    totals: [],
    byStatus: [],
    successRateByGateway: [],
    successRateByMethod: [],
    refunds: [],
    commission: { available: false, amounts: [] },
    latency: { p95Ms: null, byGateway: [] },
    series: [],
    ...overrides,
  };
}

describe('bucketStarts', () => {
  it('lists every hour that starts inside [from, to), as the API counts them', () => {
    expect(bucketStarts('2026-11-26T07:30:00Z', '2026-11-26T10:15:00Z', 'hour')).toEqual([
      at('2026-11-26T08:00:00Z'),
      at('2026-11-26T09:00:00Z'),
      at('2026-11-26T10:00:00Z'),
    ]);
  });

  it('includes an hour starting exactly at from and excludes one starting exactly at to', () => {
    expect(bucketStarts('2026-11-26T08:00:00Z', '2026-11-26T10:00:00Z', 'hour')).toEqual([
      at('2026-11-26T08:00:00Z'),
      at('2026-11-26T09:00:00Z'),
    ]);
  });

  it('lists UTC days for day buckets, the first one partial', () => {
    expect(bucketStarts('2026-11-24T10:00:00Z', '2026-11-26T10:00:00Z', 'day')).toEqual([
      at('2026-11-24T00:00:00Z'),
      at('2026-11-25T00:00:00Z'),
      at('2026-11-26T00:00:00Z'),
    ]);
  });

  it('is empty for a reversed or invalid range', () => {
    expect(bucketStarts('2026-11-26T10:00:00Z', '2026-11-26T09:00:00Z', 'hour')).toEqual([]);
    expect(bucketStarts('nonsense', '2026-11-26T09:00:00Z', 'hour')).toEqual([]);
  });
});

describe('countSeries', () => {
  it('sums currencies per bucket and fills quiet hours with zeros', () => {
    const series = countSeries(
      overview({
        series: [
          { at: '2026-11-26T08:00:00.000Z', currency: 'INR', count: 5, volume: 5000, captured: 4, failed: 1 },
          { at: '2026-11-26T08:00:00.000Z', currency: 'USD', count: 2, volume: 300, captured: 2, failed: 0 },
          { at: '2026-11-26T10:00:00.000Z', currency: 'INR', count: 1, volume: 100, captured: 0, failed: 1 },
        ],
      }),
    );
    expect(series.map((s) => s.label)).toEqual(['Payments', 'Captured', 'Failed']);
    expect(series[0]?.points).toEqual([
      { x: at('2026-11-26T08:00:00Z'), y: 7 },
      { x: at('2026-11-26T09:00:00Z'), y: 0 },
      { x: at('2026-11-26T10:00:00Z'), y: 1 },
    ]);
    expect(series[1]?.points.map((p) => p.y)).toEqual([6, 0, 0]);
    expect(series[2]?.points.map((p) => p.y)).toEqual([1, 0, 1]);
  });
});

describe('volumeSeries', () => {
  it('keeps one currency, in minor units, zero where it had no payments', () => {
    const data = overview({
      series: [
        { at: '2026-11-26T08:00:00.000Z', currency: 'INR', count: 5, volume: 5000, captured: 4, failed: 1 },
        { at: '2026-11-26T09:00:00.000Z', currency: 'USD', count: 2, volume: 300, captured: 2, failed: 0 },
      ],
    });
    expect(volumeSeries(data, 'INR')[0]?.points.map((p) => p.y)).toEqual([5000, 0, 0]);
    expect(volumeSeries(data, 'USD')[0]?.points.map((p) => p.y)).toEqual([0, 300, 0]);
  });
});

describe('kpis', () => {
  it('defines success rate as captured / (captured + failed), leaving cancelled out', () => {
    const result = kpis(
      overview({
        totals: [
          { currency: 'INR', count: 10, volume: 1, capturedCount: 6, capturedVolume: 1 },
          { currency: 'USD', count: 2, volume: 1, capturedCount: 1, capturedVolume: 1 },
        ],
        byStatus: [
          { status: 'captured', currency: 'INR', count: 6, volume: 600 },
          { status: 'captured', currency: 'USD', count: 1, volume: 100 },
          { status: 'failed', currency: 'INR', count: 1, volume: 100 },
          { status: 'cancelled', currency: 'INR', count: 3, volume: 300 },
          { status: 'failed', currency: 'USD', count: 1, volume: 100 },
        ],
        latency: { p95Ms: 250, byGateway: [] },
      }),
    );
    expect(result).toEqual({ payments: 12, captured: 7, failed: 2, cancelled: 3, successRate: 7 / 9, p95Ms: 250 });
  });

  it('has no success rate without outcomes (not 0 %)', () => {
    expect(kpis(overview()).successRate).toBeNull();
  });
});

describe('seriesCurrencies', () => {
  it('orders currencies by payment count, skipping empty ones', () => {
    const data = overview({
      totals: [
        { currency: 'EUR', count: 0, volume: 0, capturedCount: 0, capturedVolume: 0 },
        { currency: 'USD', count: 3, volume: 1, capturedCount: 0, capturedVolume: 0 },
        { currency: 'INR', count: 9, volume: 1, capturedCount: 0, capturedVolume: 0 },
      ],
    });
    expect(seriesCurrencies(data)).toEqual(['INR', 'USD']);
  });
});

describe('bucketLabel', () => {
  it('labels day buckets by their UTC date', () => {
    expect(bucketLabel('day', 'en-US')(at('2026-11-26T00:00:00Z'))).toBe('Nov 26');
  });

  it('labels hour buckets by the hour', () => {
    expect(bucketLabel('hour', 'en-GB')(at('2026-11-26T00:00:00Z') + 5 * H)).toMatch(/^\d{2}:00$/);
  });
});

describe('bucketTicks', () => {
  it('spreads about six ticks over the buckets, starting at the first', () => {
    const ticks = bucketTicks(overview({ from: '2026-11-25T10:00:00Z', to: '2026-11-26T10:00:00Z' }));
    expect(ticks).toHaveLength(6);
    expect(ticks[0]).toBe(at('2026-11-25T10:00:00Z'));
    expect(ticks[1]).toBe(at('2026-11-25T14:00:00Z'));
  });
});

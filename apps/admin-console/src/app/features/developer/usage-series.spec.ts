import type { ApiUsageView } from '@lsp/contracts';
import { daysBetween, statusClassShare, usageCharts, utcDay } from './usage-series';

const usage = (overrides: Partial<ApiUsageView> = {}): ApiUsageView => ({
  object: 'api_usage',
  merchantId: 'mer_1',
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-11-03T18:30:00.000Z',
  totalCalls: 10,
  p95LatencyMs: 120,
  byStatusClass: { '2xx': 7, '4xx': 3 },
  days: [
    { day: '2026-11-01', calls: 4, p95LatencyMs: 80, byStatusClass: { '2xx': 4 } },
    { day: '2026-11-03', calls: 6, p95LatencyMs: 120, byStatusClass: { '2xx': 3, '4xx': 3 } },
  ],
  routes: [],
  ...overrides,
});

describe('usage series', () => {
  it('spans every UTC day of the window, both ends included', () => {
    expect(daysBetween('2026-11-01T10:00:00Z', '2026-11-03T00:00:00Z')).toEqual([
      Date.UTC(2026, 10, 1),
      Date.UTC(2026, 10, 2),
      Date.UTC(2026, 10, 3),
    ]);
    expect(utcDay('2026-11-02')).toBe(Date.UTC(2026, 10, 2));
  });

  it('fills a quiet day with zero calls but leaves its p95 as a gap', () => {
    const charts = usageCharts(usage());
    expect(charts.calls[0].points.map((p) => p.y)).toEqual([4, 0, 6]);
    expect(charts.p95[0].points.map((p) => p.y)).toEqual([80, null, 120]);
    expect(charts.xMin).toBe(Date.UTC(2026, 10, 1));
    expect(charts.xMax).toBe(Date.UTC(2026, 10, 3));
  });

  it('draws one line per status class seen, in order, zero where a day had none of it', () => {
    const charts = usageCharts(usage());
    expect(charts.statusClasses.map((s) => s.label)).toEqual(['2xx', '4xx']);
    expect(charts.statusClasses[1].points.map((p) => p.y)).toEqual([0, 0, 3]);
  });

  it('has no status lines and all-zero calls when there was no traffic', () => {
    const charts = usageCharts(usage({ days: [], totalCalls: 0, byStatusClass: {} }));
    expect(charts.statusClasses).toEqual([]);
    expect(charts.calls[0].points.every((p) => p.y === 0)).toBe(true);
    expect(statusClassShare(usage({ totalCalls: 0, byStatusClass: {} }), '2xx')).toBe(0);
  });

  it('reports the share of a status class as a whole percentage', () => {
    expect(statusClassShare(usage(), '4xx')).toBe(30);
    expect(statusClassShare(usage(), '5xx')).toBe(0);
  });
});

import { Injectable } from '@nestjs/common';
import type { AnalyticsOverview } from '@lsp/contracts';
import { Database, p95FromHistogram } from '@lsp/persistence';
import { ApiException } from '../core/http/api.exception';
import { resolveTimeRange } from '../core/http/time-range';
import { AnalyticsRepository, type CommissionRow, type OverviewGroupRow } from './analytics.repository';
import type { AnalyticsOverviewQueryDto } from './dto/analytics-query.dto';

const DAY_MS = 86_400_000;
/** Longest range one overview may cover: bounds the rollup rows one request reads. */
const MAX_RANGE_MS = 400 * DAY_MS;
/** Longest hourly series (168 points): beyond it a chart needs days, and the hourly rollups are 24× the rows. */
const MAX_HOURLY_RANGE_MS = 7 * DAY_MS;

type Status = AnalyticsOverview['byStatus'][number]['status'];

@Injectable()
export class AnalyticsService {
  constructor(
    private readonly db: Database,
    private readonly repo: AnalyticsRepository,
  ) {}

  async overview(query: AnalyticsOverviewQueryDto): Promise<AnalyticsOverview> {
    const { from, to } = resolveTimeRange(query.from, query.to, {
      defaultSpanMs: DAY_MS,
      maxSpanMs: MAX_RANGE_MS,
      maxSpanText: '400 days',
    });
    const span = to.getTime() - from.getTime();
    if (query.granularity === 'hour' && span > MAX_HOURLY_RANGE_MS) {
      throw ApiException.invalid('granularity', 'an hourly series may cover at most 7 days; use granularity=day');
    }
    const granularity = query.granularity ?? (span <= 2 * DAY_MS ? 'hour' : 'day');
    const merchantId = query.merchantId ?? null;
    const { rows, commission } = await this.db.platform(async (em) => ({
      rows: await this.repo.overview(em, { from, to, merchantId, granularity }),
      // The rollups count an hour when it starts in [from, to): the ledger's instants are bounded the same way.
      commission: await this.repo.commission(em, { from: ceilHour(from), to: ceilHour(to), merchantId }),
    }));
    return toOverview(rows, commission, { from, to, merchantId, granularity });
  }
}

const HOUR_MS = 3_600_000;
const ceilHour = (t: Date): Date => new Date(Math.ceil(t.getTime() / HOUR_MS) * HOUR_MS);
const n = (v: string | null): number => Number(v ?? 0);
const isOutcome = (s: string | null): s is Status => s === 'captured' || s === 'failed' || s === 'cancelled';
const byText =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

export function toOverview(
  rows: OverviewGroupRow[],
  commission: CommissionRow[],
  q: { from: Date; to: Date; merchantId: string | null; granularity: 'hour' | 'day' },
): AnalyticsOverview {
  const of = (grp: OverviewGroupRow['grp']) => rows.filter((r) => r.grp === grp);
  const statusRows = of('status');

  const totals = new Map<string, AnalyticsOverview['totals'][number]>();
  const byStatus: AnalyticsOverview['byStatus'] = [];
  const refunds: AnalyticsOverview['refunds'] = [];
  for (const r of statusRows) {
    const currency = r.currency as string;
    if (r.status === 'refund') {
      refunds.push({ currency, count: n(r.count), amount: n(r.amount) });
      continue;
    }
    if (!isOutcome(r.status)) continue;
    byStatus.push({ status: r.status, currency, count: n(r.count), volume: n(r.amount) });
    const t = totals.get(currency) ?? { currency, count: 0, volume: 0, capturedCount: 0, capturedVolume: 0 };
    t.count += n(r.count);
    t.volume += n(r.amount);
    if (r.status === 'captured') {
      t.capturedCount += n(r.count);
      t.capturedVolume += n(r.amount);
    }
    totals.set(currency, t);
  }

  const rates = <K extends 'gateway' | 'method'>(grp: K) => {
    const acc = new Map<string, { captured: number; failed: number }>();
    for (const r of of(grp)) {
      if (r.status !== 'captured' && r.status !== 'failed') continue;
      const key = r[grp] ?? '';
      const a = acc.get(key) ?? { captured: 0, failed: 0 };
      a[r.status] += n(r.count);
      acc.set(key, a);
    }
    return [...acc.entries()]
      .map(([key, a]) => ({
        [grp]: key,
        captured: a.captured,
        failed: a.failed,
        successRate: a.captured + a.failed > 0 ? a.captured / (a.captured + a.failed) : null,
      }))
      .sort(byText((x) => x[grp] as string)) as AnalyticsOverview[K extends 'gateway'
      ? 'successRateByGateway'
      : 'successRateByMethod'];
  };

  const sumHist = (list: OverviewGroupRow[]): number[] =>
    list.reduce<number[]>((acc, r) => r.hist.map((v, i) => (acc[i] ?? 0) + n(v)), []);
  const gatewayHist = new Map<string, OverviewGroupRow[]>();
  for (const r of of('gateway')) {
    if (r.status === 'refund') continue;
    const key = r.gateway ?? '';
    gatewayHist.set(key, [...(gatewayHist.get(key) ?? []), r]);
  }

  const series = of('series')
    .filter((r) => r.status !== 'refund' && r.period)
    .reduce((acc, r) => {
      const at = (r.period as Date).toISOString();
      const key = `${at}|${r.currency}`;
      const s = acc.get(key) ?? { at, currency: r.currency as string, count: 0, volume: 0, captured: 0, failed: 0 };
      s.count += n(r.count);
      s.volume += n(r.amount);
      if (r.status === 'captured') s.captured += n(r.count);
      if (r.status === 'failed') s.failed += n(r.count);
      acc.set(key, s);
      return acc;
    }, new Map<string, AnalyticsOverview['series'][number]>());

  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    merchantId: q.merchantId,
    granularity: q.granularity,
    totals: [...totals.values()].sort(byText((t) => t.currency)),
    byStatus: byStatus.sort(byText((s) => `${s.currency}|${s.status}`)),
    successRateByGateway: rates('gateway'),
    successRateByMethod: rates('method'),
    refunds: refunds.sort(byText((r) => r.currency)),
    commission: { available: true, amounts: commission.map((c) => ({ currency: c.currency, amount: n(c.amount) })) },
    latency: {
      p95Ms: p95FromHistogram(sumHist(of('all'))),
      byGateway: [...gatewayHist.entries()]
        .map(([gateway, list]) => ({ gateway, p95Ms: p95FromHistogram(sumHist(list)) }))
        .sort(byText((g) => g.gateway)),
    },
    series: [...series.values()].sort(byText((s) => `${s.at}|${s.currency}`)),
  };
}

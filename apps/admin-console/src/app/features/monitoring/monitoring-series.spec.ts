import type { QueueStatsResponse } from '@lsp/contracts';
import {
  type GatewayHealthRow,
  appendDepthSample,
  applyGatewayHealth,
  depthSeries,
  isWorkerList,
  throughputSeries,
  withStoredHistory,
} from './monitoring-series';

const q = (name: string, waiting: number, delayed = 0) => ({ name, waiting, delayed });

describe('appendDepthSample', () => {
  it('appends samples in time order and keeps the newest ones', () => {
    let history = appendDepthSample([], '2026-11-26T10:00:00Z', [q('payments', 3, 1)], 2);
    history = appendDepthSample(history, '2026-11-26T10:00:05Z', [q('payments', 5)], 2);
    history = appendDepthSample(history, '2026-11-26T10:00:10Z', [q('payments', 0)], 2);
    expect(history.map((s) => s.depths['payments'])).toEqual([5, 0]);
  });

  it('drops a replayed sample that is not newer than the last one', () => {
    const history = appendDepthSample([], '2026-11-26T10:00:05Z', [q('payments', 3)]);
    expect(appendDepthSample(history, '2026-11-26T10:00:00Z', [q('payments', 9)])).toEqual(history);
    expect(appendDepthSample(history, '2026-11-26T10:00:05Z', [q('payments', 9)])).toEqual(history);
  });
});

describe('depthSeries', () => {
  it('draws one line per queue with a gap where a sample lacks it', () => {
    let history = appendDepthSample([], '2026-11-26T10:00:00Z', [q('payments', 3), q('events', 1)]);
    history = appendDepthSample(history, '2026-11-26T10:00:05Z', [q('payments', 4)]);
    const series = depthSeries(history);
    expect(series.map((s) => s.label)).toEqual(['events', 'payments']);
    expect(series[0]?.points.map((p) => p.y)).toEqual([1, null]);
    expect(series[1]?.points.map((p) => p.y)).toEqual([3, 4]);
  });
});

describe('throughputSeries', () => {
  const minute = (i: number) => `2026-11-26T10:0${i}:00.000Z`;
  const points = (...counts: number[]) => counts.map((count, i) => ({ at: minute(i), count }));
  const stats: QueueStatsResponse = {
    minutes: 3,
    data: [
      { queue: 'events', completed: points(10, 10, 10), failed: points(0, 1, 0) },
      { queue: 'payments', completed: points(5, 0, 5), failed: points(1, 0, 0) },
      { queue: 'alerts', completed: points(1, 1, 1), failed: points(0, 0, 2) },
      { queue: 'idle', completed: points(0, 0, 0), failed: points(0, 0, 0) },
    ],
  };

  it('shows the busiest queues, sums the rest and draws all failures as one line', () => {
    const series = throughputSeries(stats, 2);
    expect(series.map((s) => s.label)).toEqual([
      'events completed',
      'payments completed',
      'other queues completed',
      'failed (all queues)',
    ]);
    expect(series[2]?.points.map((p) => p.y)).toEqual([1, 1, 1]);
    expect(series[3]?.points.map((p) => p.y)).toEqual([1, 1, 2]);
    expect(series[3]?.points[0]?.x).toBe(Date.parse(minute(0)));
  });

  it('still draws a completed line when nothing ran', () => {
    const quiet: QueueStatsResponse = {
      minutes: 1,
      data: [{ queue: 'idle', completed: points(0), failed: points(0) }],
    };
    expect(throughputSeries(quiet).map((s) => s.label)).toEqual(['completed', 'failed (all queues)']);
  });
});

describe('applyGatewayHealth', () => {
  const row: GatewayHealthRow = {
    id: 'gw_1',
    code: 'sandbox',
    status: 'healthy',
    successRate: 1,
    p95LatencyMs: 40,
    checkedAt: '2026-11-26T10:00:00.000Z',
    circuit: 'closed',
    attempts: 12,
  };
  const update = {
    gatewayId: 'gw_1',
    code: 'sandbox',
    status: 'down' as const,
    previousStatus: 'healthy' as const,
    circuit: 'open' as const,
    successRate: 0.1,
    p95LatencyMs: 900,
    attempts: 30,
    checkedAt: '2026-11-26T10:01:00.000Z',
  };

  it('takes the newer figures, circuit and attempts included', () => {
    expect(applyGatewayHealth([row], update)).toEqual([
      {
        ...row,
        status: 'down',
        successRate: 0.1,
        p95LatencyMs: 900,
        checkedAt: update.checkedAt,
        circuit: 'open',
        attempts: 30,
      },
    ]);
  });

  it('ignores an older check and adds an unknown gateway', () => {
    expect(applyGatewayHealth([row], { ...update, checkedAt: '2026-11-26T09:00:00.000Z' })).toEqual([row]);
    expect(applyGatewayHealth([row], { ...update, gatewayId: 'gw_0', code: 'razorpay' }).map((r) => r.code)).toEqual([
      'razorpay',
      'sandbox',
    ]);
  });
});

describe('isWorkerList', () => {
  it('accepts {workers: [...]} only', () => {
    expect(isWorkerList({ workers: [] })).toBe(true);
    expect(isWorkerList({ workers: [{ id: 'w1' }] })).toBe(true);
    expect(isWorkerList({ workers: [{}] })).toBe(false);
    expect(isWorkerList([])).toBe(false);
  });
});

describe('withStoredHistory', () => {
  const point = (at: string, waiting: number, delayed = 0) => ({
    at,
    waiting,
    active: 0,
    delayed,
    failed: 0,
    completedInBucket: 0,
    failedInBucket: 0,
    isPaused: false,
  });
  const history = (queue: string, data: ReturnType<typeof point>[]) => ({
    queue,
    from: '2026-11-26T09:00:00Z',
    to: '2026-11-26T10:00:00Z',
    bucketSeconds: 5,
    data,
  });

  it('puts the stored samples of every queue before the live ones, dropping those the live ones cover', () => {
    const live = appendDepthSample([], '2026-11-26T10:00:10Z', [q('payments', 9)]);
    const joined = withStoredHistory(live, [
      history('payments', [point('2026-11-26T10:00:00Z', 4, 1), point('2026-11-26T10:00:10Z', 100)]),
      history('events', [point('2026-11-26T10:00:00Z', 2), point('2026-11-26T10:00:05Z', 3)]),
    ]);
    expect(joined.map((s) => [new Date(s.at).toISOString(), s.depths])).toEqual([
      ['2026-11-26T10:00:00.000Z', { payments: 5, events: 2 }],
      ['2026-11-26T10:00:05.000Z', { events: 3 }],
      ['2026-11-26T10:00:10.000Z', { payments: 9 }],
    ]);
  });

  it('keeps the newest samples when there are too many', () => {
    const joined = withStoredHistory(
      [],
      [
        history('payments', [
          point('2026-11-26T10:00:00Z', 1),
          point('2026-11-26T10:00:05Z', 2),
          point('2026-11-26T10:00:10Z', 3),
        ]),
      ],
      2,
    );
    expect(joined.map((s) => s.depths['payments'])).toEqual([2, 3]);
  });
});

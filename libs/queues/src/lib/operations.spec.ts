import type { WorkerHeartbeat } from './heartbeat';
import { classifyWorker, metricSeries } from './operations';

const MIN = 60_000;

describe('metricSeries', () => {
  const now = 1000 * MIN + 30_000;

  it('reads the minute in progress from the counters and earlier minutes from the list', () => {
    // 7 finished so far, 4 of them before this minute's first flush; then 3, 0, 5 in the three minutes before.
    const series = metricSeries({ meta: { count: 7, prevTS: 1000 * MIN + 1, prevCount: 4 }, data: [3, 0, 5] }, 5, now);
    expect(series).toEqual([
      { minute: 996, count: 0 },
      { minute: 997, count: 5 },
      { minute: 998, count: 0 },
      { minute: 999, count: 3 },
      { minute: 1000, count: 3 },
    ]);
  });

  it('counts nothing after the last flushed minute, and nothing at all without metrics', () => {
    const stale = metricSeries({ meta: { count: 9, prevTS: 998 * MIN, prevCount: 7 }, data: [4] }, 4, now);
    expect(stale.map((p) => p.count)).toEqual([4, 2, 0, 0]);
    expect(metricSeries({ meta: { count: 0, prevTS: 0, prevCount: 0 }, data: [] }, 3, now).map((p) => p.count)).toEqual(
      [0, 0, 0],
    );
  });
});

describe('classifyWorker', () => {
  const beat = (lastBeatAt: string): WorkerHeartbeat => ({
    id: 'w1',
    host: 'h',
    pid: 1,
    queues: [],
    startedAt: lastBeatAt,
    lastBeatAt,
    processed: 0,
    failed: 0,
    version: '1',
  });
  const now = Date.parse('2026-11-26T10:00:30.000Z');

  it.each([
    ['2026-11-26T10:00:25.000Z', true, 'healthy'],
    ['2026-11-26T10:00:15.000Z', true, 'healthy'],
    ['2026-11-26T10:00:14.999Z', true, 'stale'],
    ['2026-11-26T10:00:29.000Z', false, 'dead'],
  ] as const)('last beat %s, key alive %s → %s', (at, live, status) => {
    expect(classifyWorker(beat(at), live, now, 15_000).status).toBe(status);
  });
});

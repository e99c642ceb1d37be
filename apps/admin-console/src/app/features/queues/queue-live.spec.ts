import type { QueueSummary } from '@lsp/contracts';
import { graceMinutesToMs, isQueueStatsData, mergeQueueCounts, queueDepth } from './queue-live';

function summary(name: string, overrides: Partial<QueueSummary> = {}): QueueSummary {
  return {
    name,
    description: `${name} jobs`,
    waiting: 0,
    active: 0,
    completed: 0,
    failed: 0,
    delayed: 0,
    paused: 0,
    prioritized: 0,
    isPaused: false,
    throughputPerMinute: 12.5,
    failureRate: 0.02,
    windowMinutes: 5,
    ...overrides,
  };
}

const counts = { waiting: 7, active: 2, completed: 40, failed: 3, delayed: 1, paused: 7, isPaused: true };

describe('mergeQueueCounts', () => {
  it('takes counts and the paused flag from the sample and keeps REST-only figures', () => {
    const rows = mergeQueueCounts([summary('payments'), summary('events')], {
      at: '2026-11-26T10:00:00Z',
      queues: [{ name: 'payments', ...counts }],
    });
    expect(rows[0]).toEqual({ ...summary('payments'), ...counts });
    expect(rows[1]).toEqual(summary('events'));
  });

  it('does not invent rows for queues the table does not know', () => {
    const rows = mergeQueueCounts([summary('payments')], {
      at: '2026-11-26T10:00:00Z',
      queues: [{ name: 'unknown', ...counts }],
    });
    expect(rows.map((r) => r.name)).toEqual(['payments']);
  });
});

describe('isQueueStatsData', () => {
  it('accepts the contract shape', () => {
    expect(isQueueStatsData({ at: 'x', queues: [{ name: 'payments', ...counts }] })).toBe(true);
  });

  it.each([null, 'text', { at: 'x' }, { at: 'x', queues: [{ name: 'payments', waiting: '7' }] }])(
    'rejects %j',
    (value) => expect(isQueueStatsData(value)).toBe(false),
  );
});

describe('queueDepth', () => {
  it('counts waiting, delayed and prioritized jobs, and paused ones only once', () => {
    expect(queueDepth({ waiting: 7, delayed: 1, prioritized: 2 })).toBe(10);
    expect(queueDepth({ waiting: 7, delayed: 0 })).toBe(7);
  });
});

describe('graceMinutesToMs', () => {
  it.each([
    ['0', 0],
    ['60', 3_600_000],
    [' 5 ', 300_000],
    ['525600', 525_600 * 60_000],
  ])('%j minutes → %i ms', (input, ms) => expect(graceMinutesToMs(input)).toBe(ms));

  it.each(['', '-1', '1.5', 'abc', '525601', '1e3'])('refuses %j', (input) => {
    expect(graceMinutesToMs(input)).toBeNull();
  });
});

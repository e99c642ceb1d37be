import fc from 'fast-check';
import { deferralDelayMs, retryDelayMs } from './retry-schedule';
import { latencyBucket, p95FromBuckets } from './usage-buckets';
import { parseRetryAfter } from './sender';

const schedule = [0, 5000, 300_000, 1_800_000];

describe('deferralDelayMs', () => {
  it('waits 250 ms doubling per deferral, capped at 10 s, jittered down to half', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => deferralDelayMs(n, () => 1))).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect([0, 1, 6, 1000].map((n) => deferralDelayMs(n, () => 0))).toEqual([125, 250, 5000, 5000]);
  });
});

describe('retryDelayMs', () => {
  it('follows the schedule with at most 10 % jitter, then stops', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (step, r) => {
        const delay = retryDelayMs(schedule, step, null, () => r) as number;
        expect(delay).toBeGreaterThanOrEqual(schedule[step]);
        expect(delay).toBeLessThanOrEqual(schedule[step] * 1.1);
      }),
    );
    expect(retryDelayMs(schedule, 4)).toBeNull();
  });

  it('honours a longer Retry-After, capped at a day', () => {
    expect(retryDelayMs(schedule, 1, 60_000, () => 0)).toBe(60_000);
    expect(retryDelayMs(schedule, 2, 1000, () => 0)).toBe(300_000);
    expect(retryDelayMs(schedule, 1, 10 * 86_400_000, () => 0)).toBe(86_400_000);
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(10_000 + 30_000).toUTCString(), 10_000)).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});

describe('usage latency buckets', () => {
  it('reads the p95 from bucket counts', () => {
    expect(latencyBucket(3)).toBe(0);
    expect(latencyBucket(30)).toBe(3);
    expect(latencyBucket(50_000)).toBe(11);
    const counts = new Map<number, number>([
      [latencyBucket(3), 90],
      [latencyBucket(200), 10],
    ]);
    expect(p95FromBuckets(counts)).toBe(250);
    expect(p95FromBuckets(new Map())).toBeNull();
  });
});

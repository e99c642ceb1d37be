import fc from 'fast-check';
import { failedTransactionAlerts, queueAlerts, rateReached } from './alert-rules';

describe('rateReached', () => {
  it.each([
    // failed, total, percent, minCount, fires
    [1, 5, 20, 5, true], // exactly 20 %
    [1, 6, 20, 5, false], // 16.7 %
    [4, 4, 20, 5, false], // every one failed, but too few to judge
    [0, 100, 1, 1, false],
    [1, 100, 1, 1, true],
    [100, 100, 100, 1, true],
  ])('%i of %i failed at %i %% (min %i) → %s', (failed, total, ratePercent, minCount, fires) => {
    expect(rateReached(failed, total, { ratePercent, minCount })).toBe(fires);
  });

  it('agrees with the exact ratio for any counts (no float boundary error)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100 }), (total, ratePercent) =>
        fc.assert(
          fc.property(fc.integer({ min: 0, max: total }), (failed) => {
            expect(rateReached(failed, total, { ratePercent, minCount: 1 })).toBe(
              BigInt(failed) * BigInt(100) >= BigInt(ratePercent) * BigInt(total),
            );
          }),
          { numRuns: 20 },
        ),
      ),
      { numRuns: 50 },
    );
  });
});

describe('rule alerts', () => {
  const t = { ratePercent: 20, minCount: 5 };

  it('fingerprints failed-transaction alerts per merchant and per gateway, critical from twice the threshold', () => {
    const outcomes = [
      { id: 'mer_A', label: 'A', total: 10, failed: 2 },
      { id: 'mer_B', label: 'B', total: 10, failed: 4 },
      { id: 'mer_C', label: 'C', total: 10, failed: 1 },
    ];
    const alerts = failedTransactionAlerts('merchant', outcomes, t, 900_000);
    expect(alerts.map((a) => [a.fingerprint, a.severity, a.merchantId])).toEqual([
      ['failed-tx-rate:merchant:mer_A', 'warning', 'mer_A'],
      ['failed-tx-rate:merchant:mer_B', 'critical', 'mer_B'],
    ]);
    expect(alerts[0].message).toBe('2 of 10 transactions failed in the last 15 min (20.0 %, threshold 20 %)');
    expect(failedTransactionAlerts('gateway', outcomes.slice(0, 1), t, 900_000)[0]).toMatchObject({
      fingerprint: 'failed-tx-rate:gateway:mer_A',
      merchantId: null,
    });
  });

  it('raises queue backlog and failure-rate alerts independently', () => {
    const alerts = queueAlerts(
      [
        { name: 'events', waiting: 1000, finished: 10, failed: 1 },
        { name: 'payments', waiting: 0, finished: 10, failed: 5 },
        { name: 'maintenance', waiting: 999, finished: 4, failed: 4 },
      ],
      1000,
      t,
      900_000,
    );
    expect(alerts.map((a) => [a.fingerprint, a.severity])).toEqual([
      ['queue-backlog:events', 'warning'],
      ['queue-failure-rate:payments', 'critical'],
    ]);
  });
});

import { LATENCY_BUCKETS_MS, latencyBucketIndex, p95FromHistogram, rollupContribution } from '@lsp/persistence';

describe('latency histogram', () => {
  it.each([
    [0, 0],
    [25, 0],
    [26, 1],
    [10_000, LATENCY_BUCKETS_MS.length - 1],
    [10_001, LATENCY_BUCKETS_MS.length],
  ])('puts %i ms in bucket %i', (ms, index) => {
    expect(latencyBucketIndex(ms)).toBe(index);
  });

  it('takes p95 as the upper bound of the bucket holding the 95th percentile', () => {
    const counts = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
    expect(p95FromHistogram(counts)).toBeNull();
    counts[0] = 95;
    counts[5] = 5;
    expect(p95FromHistogram(counts)).toBe(25);
    counts[5] = 6;
    expect(p95FromHistogram(counts)).toBe(LATENCY_BUCKETS_MS[5]);
    counts[LATENCY_BUCKETS_MS.length] = 1000;
    expect(p95FromHistogram(counts)).toBe(10_000);
  });
});

describe('rollupContribution', () => {
  const base = {
    id: 'evt_1',
    merchantId: 'mer_1',
    data: {
      object: {
        amount: 1234,
        currency: 'INR',
        method: 'upi',
        gateway: 'gw-a',
        createdAt: '2026-03-01T05:59:59.999Z',
        attempts: [{ latencyMs: 900 }, { latencyMs: 42.4 }],
      },
    },
  };

  it('counts an outcome in the UTC hour the payment was created, with the deciding attempt latency', () => {
    expect(rollupContribution({ ...base, type: 'payment.failed' })).toEqual({
      bucket: new Date('2026-03-01T05:00:00.000Z'),
      merchantId: 'mer_1',
      gateway: 'gw-a',
      method: 'upi',
      status: 'failed',
      currency: 'INR',
      amount: 1234,
      latencyMs: 42,
    });
  });

  it('ignores events that are not outcomes and malformed snapshots', () => {
    expect(rollupContribution({ ...base, type: 'payment.created' })).toBeNull();
    expect(rollupContribution({ ...base, type: 'refund.failed' })).toBeNull();
    expect(
      rollupContribution({
        ...base,
        type: 'payment.captured',
        data: { object: { ...base.data.object, createdAt: 'x' } },
      }),
    ).toBeNull();
  });
});

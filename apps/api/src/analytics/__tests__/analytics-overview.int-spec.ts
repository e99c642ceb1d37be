import type { AnalyticsOverview } from '@lsp/contracts';
import { newId } from '@lsp/domain';
import { Database, applyEventToRollups, type RollupEvent } from '@lsp/persistence';
import { ApiHarness, expectError } from '../../../test/api-harness';

/**
 * The overview against a small known dataset, fed through the same rollup function the workers' event handler
 * uses. Payments are dated January 2026 so no other suite's rollups share their hours.
 */
describe('GET /api/v1/admin/analytics/overview', () => {
  let api: ApiHarness;
  let db: Database;
  let admin: string;
  let merchantId: string;
  let otherMerchantId: string;

  const payment = (
    type: 'payment.captured' | 'payment.failed' | 'payment.cancelled' | 'payment.created',
    p: {
      amount: number;
      currency?: string;
      method: string;
      gateway: string | null;
      latencyMs?: number | null;
      at?: string;
    },
    merchant = merchantId,
  ): RollupEvent => ({
    id: newId('event'),
    type,
    merchantId: merchant,
    data: {
      object: {
        id: newId('payment'),
        object: 'payment',
        merchantId: merchant,
        amount: p.amount,
        currency: p.currency ?? 'INR',
        method: p.method,
        status: type.slice('payment.'.length),
        gateway: p.gateway,
        attempts:
          p.latencyMs === undefined
            ? []
            : [{ id: newId('attempt'), gateway: p.gateway, status: 'succeeded', latencyMs: p.latencyMs }],
        createdAt: p.at ?? '2026-01-10T10:15:00.000Z',
      },
    },
  });
  const refund = (amount: number): RollupEvent => ({
    id: newId('event'),
    type: 'refund.succeeded',
    merchantId,
    data: {
      object: {
        id: newId('refund'),
        object: 'refund',
        merchantId,
        amount,
        currency: 'INR',
        createdAt: '2026-01-10T10:40:00.000Z',
      },
    },
  });
  const overview = (query: string, token = admin) =>
    api.request<AnalyticsOverview>('GET', `/api/v1/admin/analytics/overview${query}`, { token });
  const day = `from=2026-01-10T00:00:00Z&to=2026-01-11T00:00:00Z`;

  beforeAll(async () => {
    api = await ApiHarness.start();
    db = api.app.get(Database);
    admin = (await api.login()).accessToken;
    merchantId = (await api.createMerchant(admin, { name: 'Analytics One' })).merchant.id;
    otherMerchantId = (await api.createMerchant(admin, { name: 'Analytics Two' })).merchant.id;

    const captured = payment('payment.captured', { amount: 10_000, method: 'upi', gateway: 'sbx-a', latencyMs: 40 });
    const events = [
      captured,
      payment('payment.captured', { amount: 20_000, method: 'upi', gateway: 'sbx-a', latencyMs: 80 }),
      payment('payment.captured', { amount: 30_000, method: 'upi', gateway: 'sbx-a', latencyMs: 120 }),
      payment('payment.failed', { amount: 5_000, method: 'upi', gateway: 'sbx-a', latencyMs: 3_000 }),
      payment('payment.captured', { amount: 7_000, method: 'card', gateway: 'sbx-b', latencyMs: 20 }),
      // Every gateway refused before acceptance: no gateway, no latency.
      payment('payment.failed', { amount: 1_000, method: 'card', gateway: null }),
      payment('payment.cancelled', { amount: 2_000, method: 'upi', gateway: 'sbx-a', latencyMs: null }),
      payment('payment.captured', {
        amount: 500,
        currency: 'USD',
        method: 'card',
        gateway: 'sbx-b',
        latencyMs: 30,
        at: '2026-01-10T11:59:59.999Z',
      }),
      refund(4_000),
      // Not an outcome: counts nowhere.
      payment('payment.created', { amount: 99_999, method: 'upi', gateway: null }),
      // Another merchant, same hour.
      payment('payment.captured', { amount: 123, method: 'upi', gateway: 'sbx-a', latencyMs: 10 }, otherMerchantId),
    ];
    const counted = [];
    for (const event of events) counted.push(await db.platform((em) => applyEventToRollups(em, event)));
    expect(counted).toEqual([true, true, true, true, true, true, true, true, true, false, true]);
    // A redelivered event is not counted twice.
    expect(await db.platform((em) => applyEventToRollups(em, captured))).toBe(false);
  });
  afterAll(() => api.close());

  it("answers a merchant's figures for a day, hour by hour", async () => {
    const res = await overview(`?${day}&merchantId=${merchantId}`);
    expect(res.status).toBe(200);
    const o = res.body;
    expect(o).toMatchObject({
      from: '2026-01-10T00:00:00.000Z',
      to: '2026-01-11T00:00:00.000Z',
      merchantId,
      granularity: 'hour',
      commission: { available: false, amounts: [] },
    });
    expect(o.totals).toEqual([
      { currency: 'INR', count: 7, volume: 75_000, capturedCount: 4, capturedVolume: 67_000 },
      { currency: 'USD', count: 1, volume: 500, capturedCount: 1, capturedVolume: 500 },
    ]);
    expect(o.byStatus).toEqual([
      { status: 'cancelled', currency: 'INR', count: 1, volume: 2_000 },
      { status: 'captured', currency: 'INR', count: 4, volume: 67_000 },
      { status: 'failed', currency: 'INR', count: 2, volume: 6_000 },
      { status: 'captured', currency: 'USD', count: 1, volume: 500 },
    ]);
    expect(o.successRateByGateway).toEqual([
      { gateway: '', captured: 0, failed: 1, successRate: 0 },
      { gateway: 'sbx-a', captured: 3, failed: 1, successRate: 0.75 },
      { gateway: 'sbx-b', captured: 2, failed: 0, successRate: 1 },
    ]);
    expect(o.successRateByMethod).toEqual([
      { method: 'card', captured: 2, failed: 1, successRate: 2 / 3 },
      { method: 'upi', captured: 3, failed: 1, successRate: 0.75 },
    ]);
    expect(o.refunds).toEqual([{ currency: 'INR', count: 1, amount: 4_000 }]);
    // Latencies 20, 30, 40, 80, 120, 3000 ms: the 95th percentile falls in the (2000, 5000] bucket.
    expect(o.latency).toEqual({
      p95Ms: 5000,
      byGateway: [
        { gateway: '', p95Ms: null },
        { gateway: 'sbx-a', p95Ms: 5000 },
        { gateway: 'sbx-b', p95Ms: 50 },
      ],
    });
    expect(o.series).toEqual([
      { at: '2026-01-10T10:00:00.000Z', currency: 'INR', count: 7, volume: 75_000, captured: 4, failed: 2 },
      { at: '2026-01-10T11:00:00.000Z', currency: 'USD', count: 1, volume: 500, captured: 1, failed: 0 },
    ]);
  });

  it('counts a bucket when its hour starts in [from, to), and every merchant without a filter', async () => {
    const late = await overview(`?from=2026-01-10T10:30:00Z&to=2026-01-11T00:00:00Z&merchantId=${merchantId}`);
    expect(late.body.totals).toEqual([
      { currency: 'USD', count: 1, volume: 500, capturedCount: 1, capturedVolume: 500 },
    ]);
    const early = await overview(`?from=2026-01-10T00:00:00Z&to=2026-01-10T11:00:00Z&merchantId=${merchantId}`);
    expect(early.body.totals.map((t) => t.currency)).toEqual(['INR']);

    const all = await overview(`?${day}`);
    expect(all.body.merchantId).toBeNull();
    expect(all.body.totals.find((t) => t.currency === 'INR')).toEqual({
      currency: 'INR',
      count: 8,
      volume: 75_123,
      capturedCount: 5,
      capturedVolume: 67_123,
    });
    expect(all.body.latency.byGateway.find((g) => g.gateway === 'sbx-a')).toEqual({ gateway: 'sbx-a', p95Ms: 5000 });

    const other = await overview(`?${day}&merchantId=${otherMerchantId}`);
    expect(other.body.successRateByGateway).toEqual([{ gateway: 'sbx-a', captured: 1, failed: 0, successRate: 1 }]);
  });

  it('buckets by day over longer ranges', async () => {
    const res = await overview(`?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&merchantId=${merchantId}`);
    expect(res.body.granularity).toBe('day');
    expect(res.body.series).toEqual([
      { at: '2026-01-10T00:00:00.000Z', currency: 'INR', count: 7, volume: 75_000, captured: 4, failed: 2 },
      { at: '2026-01-10T00:00:00.000Z', currency: 'USD', count: 1, volume: 500, captured: 1, failed: 0 },
    ]);
    // Partial days at both ends come from the hourly rollups, whole days from the daily ones: same totals.
    const ragged = await overview(`?from=2026-01-09T22:30:00Z&to=2026-01-10T10:30:00Z&merchantId=${merchantId}`);
    expect(ragged.body.granularity).toBe('hour');
    const edges = await overview(
      `?from=2026-01-08T10:30:00Z&to=2026-01-10T11:00:00Z&merchantId=${merchantId}&granularity=day`,
    );
    expect(edges.body.totals).toEqual([
      { currency: 'INR', count: 7, volume: 75_000, capturedCount: 4, capturedVolume: 67_000 },
    ]);
    const wide = await overview(`?from=2026-01-10T10:00:00Z&to=2026-01-12T00:00:00Z&merchantId=${merchantId}`);
    expect(wide.body.granularity).toBe('hour');
    const wideDays = await overview(
      `?from=2026-01-09T00:00:00Z&to=2026-01-11T12:00:00Z&merchantId=${merchantId}&granularity=day`,
    );
    expect(wideDays.body.totals).toEqual(wide.body.totals);
    expect(wideDays.body.latency).toEqual(wide.body.latency);

    const hourly = await overview(
      `?from=2026-01-04T00:00:00Z&to=2026-01-11T00:00:00Z&merchantId=${merchantId}&granularity=hour`,
    );
    expect(hourly.body.series).toHaveLength(2);
    expectError(
      await overview(`?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&granularity=hour`),
      400,
      'invalid_request_error',
      'granularity',
    );
  });

  it('answers zeros, not errors, for a range without data', async () => {
    const res = await overview('?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      totals: [],
      byStatus: [],
      refunds: [],
      series: [],
      latency: { p95Ms: null, byGateway: [] },
    });
  });

  it('refuses bad input with 400 naming the field', async () => {
    expectError(
      await overview('?from=2026-01-11T00:00:00Z&to=2026-01-10T00:00:00Z'),
      400,
      'invalid_request_error',
      'from',
    );
    expectError(
      await overview('?from=2026-01-10T00:00:00Z&to=2026-01-10T00:00:00Z'),
      400,
      'invalid_request_error',
      'from',
    );
    expectError(await overview('?from=yesterday'), 400, 'invalid_request_error', 'from');
    expectError(await overview('?to=2026-13-01T00:00:00Z'), 400, 'invalid_request_error', 'to');
    expectError(await overview('?from=2026-02-30T00:00:00Z'), 400, 'invalid_request_error', 'from');
    expectError(
      await overview('?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z'),
      400,
      'invalid_request_error',
      'from',
    );
    expectError(await overview('?merchantId=acme'), 400, 'invalid_request_error', 'merchantId');
    expectError(await overview('?granularity=week'), 400, 'invalid_request_error', 'granularity');
    expectError(await overview('?currency=INR'), 400, 'invalid_request_error', 'currency');
  });

  it('is for staff only', async () => {
    const user = await api.createUser(admin, ['merchant'], merchantId);
    const token = (await api.login(user.email, user.password)).accessToken;
    expectError(await overview('', token), 403, 'permission_error');
    expectError(await api.request('GET', '/api/v1/admin/analytics/overview'), 401, 'authentication_error');
  });
});

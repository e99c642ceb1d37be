import type { AuditLogView, ListResponse, PaymentTimelineEntry, PaymentView, RefundView } from '@lsp/contracts';
import { eventually } from '@lsp/testing';
import { ApiHarness, expectError, type TestResponse } from '../../../test/api-harness';

/** Staff payment views across merchants, refunds on a merchant's behalf, and payment timelines. */
describe('admin payments', () => {
  let api: ApiHarness;
  let admin: string;
  let finance: { token: string; email: string };
  let sre: string;
  let merchantUser: string;
  let m1: { id: string; key: string };
  let m2: { id: string; key: string };
  let n = 0;

  beforeAll(async () => {
    api = await ApiHarness.start({ SANDBOX_CALLBACK_DELAY: '50ms' });
    admin = (await api.login()).accessToken;
    const a = await api.createMerchant(admin, { name: 'Admin Pay One', rateLimitPerMinute: 100000 });
    const b = await api.createMerchant(admin, { name: 'Admin Pay Two', rateLimitPerMinute: 100000 });
    m1 = { id: a.merchant.id, key: a.apiKey.secret };
    m2 = { id: b.merchant.id, key: b.apiKey.secret };
    const loginAs = async (roles: string[], merchantId?: string) => {
      const user = await api.createUser(admin, roles, merchantId);
      return { token: (await api.login(user.email, user.password)).accessToken, email: user.email };
    };
    finance = await loginAs(['finance']);
    sre = (await loginAs(['sre'])).token;
    merchantUser = (await loginAs(['merchant'], m1.id)).token;
  });
  afterAll(() => api.close());

  const pay = async (key: string, amount: number): Promise<PaymentView> => {
    const res = await api.request<PaymentView>('POST', '/api/v1/payments', {
      token: key,
      body: { amount, currency: 'INR', method: 'upi' },
      headers: { 'idempotency-key': `admin-pay-${Date.now()}-${n++}` },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const captured = (id: string) =>
    eventually(async () => {
      const p = (await api.request<PaymentView>('GET', `/api/v1/admin/payments/${id}`, { token: admin })).body;
      return p.status === 'captured' ? p : undefined;
    });
  const list = (query: string, token = admin) =>
    api.request<ListResponse<PaymentView>>('GET', `/api/v1/admin/payments${query}`, { token });
  const refund = (id: string, token: string, body: Record<string, unknown>, key?: string) =>
    api.request<RefundView>('POST', `/api/v1/admin/payments/${id}/refunds`, {
      token,
      body,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
  const auditOf = async (paymentId: string) =>
    (
      await api.request<ListResponse<AuditLogView>>(
        'GET',
        `/api/v1/admin/audit-logs?objectId=${paymentId}&action=payment.refund`,
        { token: admin },
      )
    ).body.data;

  describe('list and get', () => {
    let p1: PaymentView[];
    let p2: PaymentView[];
    // Other suites create payments in the same database at the same time: pages start below this one.
    let sentinel: PaymentView;

    beforeAll(async () => {
      p1 = [await pay(m1.key, 10_000), await pay(m1.key, 10_051), await pay(m1.key, 10_000)];
      p2 = [await pay(m2.key, 10_051), await pay(m2.key, 10_000)];
      sentinel = await pay(m2.key, 10_000);
    });

    it("lists every merchant's payments, newest first, with attempts", async () => {
      const res = await list(`?limit=100&startingAfter=${sentinel.id}`);
      expect(res.status).toBe(200);
      const ids = res.body.data.map((p) => p.id);
      for (const p of [...p1, ...p2]) expect(ids).toContain(p.id);
      expect(ids).toEqual([...ids].sort().reverse());
      const merchants = new Set(res.body.data.map((p) => p.merchantId));
      expect(merchants.has(m1.id) && merchants.has(m2.id)).toBe(true);
      expect(res.body.data.find((p) => p.id === p2[0].id)?.attempts).toHaveLength(1);
    });

    it('filters by merchant, status and creation time', async () => {
      const own = await list(`?merchantId=${m2.id}`);
      expect(own.body.data.map((p) => p.id)).toEqual([sentinel.id, p2[1].id, p2[0].id]);

      const failed = await list(`?merchantId=${m1.id}&status=failed`);
      expect(failed.body.data.map((p) => p.id)).toEqual([p1[1].id]);
      const failedEverywhere = await list('?status=failed&limit=100');
      expect(failedEverywhere.body.data.every((p) => p.status === 'failed')).toBe(true);
      expect(failedEverywhere.body.data.map((p) => p.id)).toEqual(expect.arrayContaining([p1[1].id, p2[0].id]));

      const from = p1[2].createdAt;
      const to = p2[1].createdAt;
      const window = await list(
        `?createdFrom=${encodeURIComponent(from)}&createdTo=${encodeURIComponent(to)}&limit=100`,
      );
      const inWindow = window.body.data.map((p) => p.id);
      // createdTo is exclusive, createdFrom inclusive.
      expect(inWindow).toEqual(expect.arrayContaining([p1[2].id, p2[0].id]));
      expect(inWindow).not.toContain(p2[1].id);
      expect(inWindow).not.toContain(p1[0].id);
      for (const p of window.body.data) {
        expect(p.createdAt >= from && p.createdAt < to).toBe(true);
      }
    });

    it('paginates with startingAfter, without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor = '';
      for (let page = 0; page < 5; page++) {
        const res = await list(`?merchantId=${m1.id}&limit=2${cursor}`);
        seen.push(...res.body.data.map((p) => p.id));
        if (!res.body.hasMore) break;
        cursor = `&startingAfter=${res.body.data[res.body.data.length - 1].id}`;
      }
      expect(seen).toEqual(p1.map((p) => p.id).reverse());
    });

    it('gets any merchant’s payment; 404 for an unknown one; 400 for bad filters', async () => {
      const res = await api.request<PaymentView>('GET', `/api/v1/admin/payments/${p2[0].id}`, { token: sre });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: p2[0].id, merchantId: m2.id, status: 'failed' });
      expectError(
        await api.request('GET', '/api/v1/admin/payments/pay_01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: admin }),
        404,
        'not_found',
      );
      expectError(await list('?merchantId=acme'), 400, 'invalid_request_error', 'merchantId');
      expectError(await list('?status=lost'), 400, 'invalid_request_error', 'status');
      expectError(await list('?limit=101'), 400, 'invalid_request_error', 'limit');
    });
  });

  describe('access', () => {
    it('lets admin, finance and sre read; refuses merchants (user or API key)', async () => {
      for (const token of [admin, finance.token, sre]) expect((await list('?limit=1', token)).status).toBe(200);
      expectError(await list('?limit=1', merchantUser), 403, 'permission_error');
      expectError(await list('?limit=1', m1.key), 403, 'permission_error');
      expectError(await list('?limit=1', ''), 401, 'authentication_error');
      const p = await pay(m1.key, 10_051);
      expectError(await refund(p.id, merchantUser, {}, 'mu-1'), 403, 'permission_error');
      expectError(
        await api.request('GET', `/api/v1/admin/payments/${p.id}/timeline`, { token: merchantUser }),
        403,
        'permission_error',
      );
    });

    it('refuses a refund by sre (403) and writes nothing', async () => {
      const p = await captured((await pay(m1.key, 10_000)).id);
      expectError(await refund(p.id, sre, { amount: 1_000 }, `sre-${p.id}`), 403, 'permission_error');
      const after = (await api.request<PaymentView>('GET', `/api/v1/admin/payments/${p.id}`, { token: admin })).body;
      expect(after).toMatchObject({ status: 'captured', amountRefunded: 0 });
      expect(await auditOf(p.id)).toEqual([]);
    });
  });

  describe('refunds on behalf of a merchant', () => {
    it('lets finance refund, audits it once, and replays the same key', async () => {
      const p = await captured((await pay(m2.key, 10_000)).id);
      const key = `fin-${p.id}`;
      const res = await refund(p.id, finance.token, { amount: 4_000, reason: 'customer complaint' }, key);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        object: 'refund',
        paymentId: p.id,
        merchantId: m2.id,
        amount: 4_000,
        status: 'succeeded',
      });
      expect(res.headers.get('server-timing')).toMatch(/^app;dur=[\d.]+, gateway;dur=[\d.]+$/);

      const replay = await refund(p.id, finance.token, { amount: 4_000, reason: 'customer complaint' }, key);
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(res.body.id);
      expectError(await refund(p.id, finance.token, { amount: 5_000 }, key), 422, 'idempotency_error');

      const entries = await auditOf(p.id);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action: 'payment.refund',
        objectType: 'payment',
        objectId: p.id,
        actorEmail: finance.email,
        diff: {
          before: null,
          after: {
            refundId: res.body.id,
            merchantId: m2.id,
            amount: 4_000,
            currency: 'INR',
            reason: 'customer complaint',
          },
        },
      });

      // The merchant sees the refund as its own.
      const mine = await api.request<PaymentView>('GET', `/api/v1/payments/${p.id}`, { token: m2.key });
      expect(mine.body).toMatchObject({ status: 'partially_refunded', amountRefunded: 4_000 });
      // The same key from the merchant's own server is another request altogether (console keys are namespaced).
      const own = await api.request<RefundView>('POST', `/api/v1/payments/${p.id}/refunds`, {
        token: m2.key,
        body: { amount: 1_000 },
        headers: { 'idempotency-key': key },
      });
      expect(own.status).toBe(201);
      expect(own.body.id).not.toBe(res.body.id);
    });

    it('applies the refund rules: key required, not beyond the capture, not before capture', async () => {
      const p = await captured((await pay(m1.key, 10_000)).id);
      expectError(await refund(p.id, admin, {}), 400, 'invalid_request_error', 'Idempotency-Key');
      const over = await refund(p.id, admin, { amount: 10_001 }, `over-${p.id}`);
      expectError(over, 409, 'conflict');
      expect(over.body).toMatchObject({ error: { code: 'refund_exceeds_captured' } });
      const failed = await pay(m1.key, 10_051);
      expectError(await refund(failed.id, admin, {}, `nc-${failed.id}`), 409, 'conflict');
      expectError(await refund('pay_01ARZ3NDEKTSV4RRFFQ69G5FAV', admin, {}, 'missing'), 404, 'not_found');
      expect(await auditOf(p.id)).toEqual([]);
      const full = await refund(p.id, admin, {}, `full-${p.id}`);
      expect(full.body).toMatchObject({ amount: 10_000, status: 'succeeded' });
    });
  });

  describe('timeline', () => {
    const timeline = (
      id: string,
      token: string,
      admin = true,
    ): Promise<TestResponse<ListResponse<PaymentTimelineEntry>>> =>
      api.request('GET', `${admin ? '/api/v1/admin/payments' : '/api/v1/payments'}/${id}/timeline`, { token });

    it('lists payment.created then payment.captured from the outbox, then the refund’s events', async () => {
      const p = await captured((await pay(m1.key, 10_000)).id);
      const res = await timeline(p.id, sre);
      expect(res.status).toBe(200);
      expect(res.body.object).toBe('list');
      expect(res.body.hasMore).toBe(false);
      expect(res.body.data.map((e) => e.type)).toEqual(['payment.created', 'payment.captured']);
      for (const e of res.body.data) {
        expect(e).toMatchObject({ id: expect.stringMatching(/^evt_/), aggregateType: 'payment', aggregateId: p.id });
        expect(Date.parse(e.occurredAt)).not.toBeNaN();
      }

      const r = await refund(p.id, admin, { amount: 2_500 }, `tl-${p.id}`);
      expect(r.status).toBe(201);
      const after = await timeline(p.id, admin);
      expect(after.body.data.map((e) => [e.type, e.aggregateId])).toEqual([
        ['payment.created', p.id],
        ['payment.captured', p.id],
        ['refund.succeeded', r.body.id],
      ]);

      // The merchant's own view is the same; another merchant's key sees nothing (404).
      const mine = await timeline(p.id, m1.key, false);
      expect(mine.body).toEqual(after.body);
      expect((await timeline(p.id, merchantUser, false)).body).toEqual(after.body);
      expectError(await timeline(p.id, m2.key, false), 404, 'not_found');
      expectError(await timeline('pay_01ARZ3NDEKTSV4RRFFQ69G5FAV', admin), 404, 'not_found');
    });

    it('shows a failed payment as created then failed', async () => {
      const p = await pay(m2.key, 10_051);
      const res = await timeline(p.id, finance.token);
      expect(res.body.data.map((e) => e.type)).toEqual(['payment.created', 'payment.failed']);
    });
  });
});

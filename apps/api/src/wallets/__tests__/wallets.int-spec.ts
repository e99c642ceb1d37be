import type { ListResponse, PaymentView, StatementLine, WalletView } from '@lsp/contracts';
import { Database, dataSourceFor, postCapture, releaseDue } from '@lsp/persistence';
import { eventually } from '@lsp/testing';
import { ApiHarness, expectError } from '../../../test/api-harness';

const DAY = 86_400_000;

/** API.md §7 wallets: balances from real captures posted to the ledger, statements with cursor and date filter. */
describe('wallets API', () => {
  let api: ApiHarness;
  let db: Database;
  let admin: string;
  let finance: string;
  let sre: string;
  let m1: { id: string; key: string };
  let m2: { id: string; key: string };
  let merchantUser: string;
  let n = 0;

  const capture = async (key: string, merchantId: string, amount: number, capturedAt?: Date): Promise<string> => {
    const res = await api.request<PaymentView>('POST', '/api/v1/payments', {
      token: key,
      body: { amount, currency: 'INR', method: 'upi' },
      headers: { 'idempotency-key': `wallet-${Date.now()}-${n++}` },
    });
    expect(res.status).toBe(201);
    await eventually(async () => {
      const p = (await api.request<PaymentView>('GET', `/api/v1/payments/${res.body.id}`, { token: key })).body;
      return p.status === 'captured' ? p : undefined;
    });
    // What the workers' ledger consumer does on payment.captured.
    await db.platform((em) => postCapture(em, res.body.id, capturedAt));
    return res.body.id;
  };

  beforeAll(async () => {
    api = await ApiHarness.start({ SANDBOX_CALLBACK_DELAY: '50ms' });
    const ds = dataSourceFor(api.config, 'app', 2);
    await ds.initialize();
    db = new Database(ds);
    admin = (await api.login()).accessToken;
    const a = await api.createMerchant(admin, { name: 'Wallet One', rateLimitPerMinute: 100000 });
    const b = await api.createMerchant(admin, { name: 'Wallet Two', rateLimitPerMinute: 100000 });
    m1 = { id: a.merchant.id, key: a.apiKey.secret };
    m2 = { id: b.merchant.id, key: b.apiKey.secret };
    const loginAs = async (roles: string[], merchantId?: string) => {
      const user = await api.createUser(admin, roles, merchantId);
      return (await api.login(user.email, user.password)).accessToken;
    };
    finance = await loginAs(['finance']);
    sre = await loginAs(['sre']);
    merchantUser = await loginAs(['merchant'], m1.id);

    // m1: one capture three days old (released to available), two recent ones (pending); m2: one recent.
    await capture(m1.key, m1.id, 10_000, new Date(Date.now() - 3 * DAY));
    await db.platform((em) => releaseDue(em, new Date(), { merchantId: m1.id }));
    await capture(m1.key, m1.id, 20_000);
    await capture(m1.key, m1.id, 30_000);
    await capture(m2.key, m2.id, 40_000);
  });

  afterAll(async () => {
    await db.dataSource.destroy();
    await api.close();
  });

  const wallet = (id: string, token = finance) =>
    api.request<WalletView>('GET', `/api/v1/admin/wallets/${id}`, { token });
  const statement = (id: string, query = '', token = finance) =>
    api.request<ListResponse<StatementLine>>('GET', `/api/v1/admin/wallets/${id}/statement${query}`, { token });

  it('shows a merchant wallet per currency: pending, available, settled', async () => {
    const res = await wallet(m1.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: 'wallet',
      merchantId: m1.id,
      merchantName: 'Wallet One',
      balances: [{ currency: 'INR', pending: 49_000, available: 9_800, settled: 0, lowBalanceThreshold: null }],
    });
  });

  it('lists wallets newest merchant first with cursor pagination', async () => {
    const first = await api.request<ListResponse<WalletView>>('GET', '/api/v1/admin/wallets?limit=1', {
      token: finance,
    });
    expect(first.status).toBe(200);
    expect(first.body.hasMore).toBe(true);
    expect(first.body.data[0]).toMatchObject({
      merchantId: m2.id,
      balances: [expect.objectContaining({ pending: 39_200 })],
    });
    const next = await api.request<ListResponse<WalletView>>(
      'GET',
      `/api/v1/admin/wallets?limit=1&startingAfter=${m2.id}`,
      { token: finance },
    );
    expect(next.body.data[0].merchantId).toBe(m1.id);
  });

  it('pages a statement newest first and filters it by account, currency and dates', async () => {
    const all = await statement(m1.id);
    expect(all.status).toBe(200);
    // Three captures into pending, one release out of pending and into available.
    expect(all.body.data).toHaveLength(5);
    expect(all.body.data.map((l) => l.id)).toEqual([...all.body.data.map((l) => l.id)].sort().reverse());
    const release = all.body.data.filter((l) => l.type === 'release');
    expect(release.map((l) => [l.account, l.amount]).sort()).toEqual([
      ['merchant_available', 9_800],
      ['merchant_pending', -9_800],
    ]);

    const page1 = await statement(m1.id, '?limit=2');
    expect(page1.body).toMatchObject({ hasMore: true });
    const page2 = await statement(m1.id, `?limit=2&startingAfter=${page1.body.data[1].id}`);
    const page3 = await statement(m1.id, `?limit=2&startingAfter=${page2.body.data[1].id}`);
    expect([...page1.body.data, ...page2.body.data, ...page3.body.data].map((l) => l.id)).toEqual(
      all.body.data.map((l) => l.id),
    );
    expect(page3.body.hasMore).toBe(false);

    const available = await statement(m1.id, '?account=merchant_available');
    expect(available.body.data).toEqual([
      expect.objectContaining({ amount: 9_800, balanceAfter: 9_800, type: 'release' }),
    ]);
    expect((await statement(m1.id, '?currency=USD')).body.data).toEqual([]);
    const future = new Date(Date.now() + DAY).toISOString();
    expect((await statement(m1.id, `?from=${future}`)).body.data).toEqual([]);
    expect((await statement(m1.id, `?to=${future}`)).body.data).toHaveLength(5);
  });

  it('answers bad statement input with 400 naming the field, and unknown merchants with 404', async () => {
    expectError(await statement(m1.id, '?currency=inr'), 400, 'invalid_request_error', 'currency');
    expectError(await statement(m1.id, '?from=yesterday'), 400, 'invalid_request_error', 'from');
    expectError(await statement(m1.id, '?limit=0'), 400, 'invalid_request_error', 'limit');
    expectError(
      await statement(m1.id, '?startingAfter=pay_01JAAAAAAAAAAAAAAAAAAAAAAA'),
      400,
      'invalid_request_error',
      'startingAfter',
    );
    expectError(await statement(m1.id, '?account=gateway_clearing'), 400, 'invalid_request_error', 'account');
    const now = new Date().toISOString();
    expectError(await statement(m1.id, `?from=${now}&to=${now}`), 400, 'invalid_request_error', 'to');
    expectError(await statement(m1.id, '?sort=asc'), 400, 'invalid_request_error', 'sort');
    expectError(await wallet('mer_01JAAAAAAAAAAAAAAAAAAAAAAA'), 404, 'not_found');
    expectError(await wallet('nope'), 404, 'not_found');
  });

  it('lets finance and admins in, and keeps other staff out', async () => {
    expect((await wallet(m1.id, admin)).status).toBe(200);
    expectError(await wallet(m1.id, sre), 403, 'permission_error');
    expectError(await api.request('GET', '/api/v1/admin/wallets', { token: m1.key }), 403, 'permission_error');
  });

  it('shows a merchant its own wallet and statement only', async () => {
    const own = await api.request<WalletView>('GET', '/api/v1/merchant/wallet', { token: m1.key });
    expect(own.status).toBe(200);
    expect(own.body.balances).toEqual([expect.objectContaining({ pending: 49_000, available: 9_800 })]);
    const viaUser = await api.request<WalletView>('GET', '/api/v1/merchant/wallet', { token: merchantUser });
    expect(viaUser.body.merchantId).toBe(m1.id);
    const other = await api.request<WalletView>('GET', '/api/v1/merchant/wallet', { token: m2.key });
    expect(other.body.balances).toEqual([expect.objectContaining({ pending: 39_200, available: 0 })]);
    const lines = await api.request<ListResponse<StatementLine>>('GET', '/api/v1/merchant/wallet/statement', {
      token: m2.key,
    });
    expect(lines.body.data).toHaveLength(1);
    expectError(await api.request('GET', '/api/v1/merchant/wallet', { token: finance }), 403, 'permission_error');
  });

  it('sets a low-balance threshold, audited, and refuses nonsense without changing anything', async () => {
    const url = `/api/v1/admin/wallets/${m2.id}/low-balance-threshold`;
    expectError(
      await api.request('PUT', url, { token: finance, body: { currency: 'INR', threshold: -1 } }),
      400,
      'invalid_request_error',
      'threshold',
    );
    expectError(
      await api.request('PUT', url, { token: finance, body: { currency: 'INR', threshold: 1.5 } }),
      400,
      'invalid_request_error',
      'threshold',
    );
    expectError(
      await api.request('PUT', url, { token: finance, body: { currency: 'XXX', threshold: 5 } }),
      400,
      'invalid_request_error',
      'currency',
    );
    expectError(
      await api.request('PUT', url, { token: sre, body: { currency: 'INR', threshold: 5 } }),
      403,
      'permission_error',
    );
    expect((await wallet(m2.id)).body.balances[0].lowBalanceThreshold).toBeNull();

    const set = await api.request<WalletView>('PUT', url, {
      token: finance,
      body: { currency: 'INR', threshold: 50_000 },
    });
    expect(set.status).toBe(200);
    expect(set.body.balances).toEqual([expect.objectContaining({ currency: 'INR', lowBalanceThreshold: 50_000 })]);
    const audit = await api.request<ListResponse<{ action: string; objectId: string }>>(
      'GET',
      `/api/v1/admin/audit-logs?objectId=${m2.id}&action=wallet.set_threshold`,
      { token: admin },
    );
    expect(audit.body.data).toHaveLength(1);

    const cleared = await api.request<WalletView>('PUT', url, {
      token: finance,
      body: { currency: 'INR', threshold: null },
    });
    expect(cleared.body.balances[0].lowBalanceThreshold).toBeNull();
  });
});

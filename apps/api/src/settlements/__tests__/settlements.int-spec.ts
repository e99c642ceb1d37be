import { Client } from 'pg';
import type {
  AuditLogView,
  ListResponse,
  SettlementDetailView,
  SettlementRunView,
  SettlementView,
} from '@lsp/contracts';
import { newId } from '@lsp/domain';
import { Database, claimRun, dataSourceFor, executeRun, postCapture } from '@lsp/persistence';
import { ApiHarness, expectError } from '../../../test/api-harness';

const DAY_MS = 86_400_000;

/** Settlement APIs over HTTP: runs requested and audited, lists, detail, streamed CSV, merchant scope, bad input. */
describe('settlements API', () => {
  let api: ApiHarness;
  let owner: Client;
  let db: Database;
  let admin: string;
  let finance: string;
  let sre: string;
  let a: { id: string; key: string };
  let b: { id: string; key: string };
  const nets: Record<string, number> = {};

  /** Captured payments posted to the ledger three days ago (matured), as the payments flow and ledger would. */
  async function capture(merchantId: string, amount: number, currency = 'INR'): Promise<void> {
    const id = newId('payment');
    await owner.query(
      `INSERT INTO payments (id, merchant_id, amount, currency, method, status, gateway_id, gateway_code)
       SELECT $1, $2, $3, $4, 'upi', 'captured', g.id, g.code FROM gateways g WHERE g.provider = 'sandbox'
        ORDER BY g.priority LIMIT 1`,
      [id, merchantId, amount, currency],
    );
    const posted = await db.platform((em) => postCapture(em, id, new Date(Date.now() - 3 * DAY_MS)));
    nets[`${merchantId}:${currency}`] = (nets[`${merchantId}:${currency}`] ?? 0) + amount - posted.commission;
  }

  /** One worker tick's worth: claim and work every open run. */
  async function work(): Promise<void> {
    for (let run = await claimRun(db, 60_000); run; run = await claimRun(db, 60_000)) {
      await executeRun(db, run, { batchSize: 2, leaseMs: 60_000 });
    }
  }

  const runCount = async (): Promise<number> =>
    Number((await owner.query(`SELECT count(*) AS n FROM settlement_runs`)).rows[0].n);

  beforeAll(async () => {
    api = await ApiHarness.start();
    owner = new Client({ connectionString: api.config.databaseUrl });
    await owner.connect();
    const ds = dataSourceFor(api.config, 'app', 4);
    await ds.initialize();
    db = new Database(ds);
    admin = (await api.login()).accessToken;
    const loginAs = async (roles: string[]): Promise<string> => {
      const user = await api.createUser(admin, roles);
      return (await api.login(user.email, user.password)).accessToken;
    };
    finance = await loginAs(['finance']);
    sre = await loginAs(['sre']);
    const ma = await api.createMerchant(admin, { name: 'Settle One', settlementSchedule: 'manual' });
    const mb = await api.createMerchant(admin, { name: 'Settle Two', settlementSchedule: 'manual' });
    a = { id: ma.merchant.id, key: ma.apiKey.secret };
    b = { id: mb.merchant.id, key: mb.apiKey.secret };
    for (const amount of [10_000, 25_000, 3_333, 7_000, 1_234]) await capture(a.id, amount);
    await capture(a.id, 900, 'USD');
    await capture(b.id, 50_000);
  });

  afterAll(async () => {
    await db.dataSource.destroy();
    await owner.end();
    await api.close();
  });

  it('records a requested run with its audit entry; the processor settles each currency of that merchant only', async () => {
    const res = await api.request<SettlementRunView>('POST', '/api/v1/admin/settlements/run', {
      token: finance,
      body: { merchantId: a.id },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      object: 'settlement_run',
      trigger: 'manual',
      merchantId: a.id,
      status: 'requested',
    });
    const audit = await api.request<ListResponse<AuditLogView>>(
      'GET',
      `/api/v1/admin/audit-logs?objectId=${res.body.id}&action=settlement.run`,
      { token: admin },
    );
    expect(audit.body.data).toHaveLength(1);

    await work();
    const run = await api.request<SettlementRunView>('GET', `/api/v1/admin/settlements/runs/${res.body.id}`, {
      token: finance,
    });
    // Batches of 2 items: the 5 INR captures become 3 settlements, the USD one its own.
    expect(run.body).toMatchObject({ status: 'completed', settlementsCreated: 4, itemsSettled: 6, refusals: [] });

    const list = await api.request<ListResponse<SettlementView>>(
      'GET',
      `/api/v1/admin/settlements?merchantId=${a.id}&limit=100`,
      { token: finance },
    );
    expect(list.status).toBe(200);
    const sum = (currency: string): number =>
      list.body.data.filter((s) => s.currency === currency).reduce((t, s) => t + s.amount, 0);
    expect(sum('INR')).toBe(nets[`${a.id}:INR`]);
    expect(sum('USD')).toBe(nets[`${a.id}:USD`]);
    expect(list.body.data.every((s) => s.status === 'paid' && s.merchantId === a.id && s.runId === res.body.id)).toBe(
      true,
    );
    // Merchant B was not asked for.
    const other = await api.request<ListResponse<SettlementView>>(
      'GET',
      `/api/v1/admin/settlements?merchantId=${b.id}`,
      {
        token: finance,
      },
    );
    expect(other.body.data).toEqual([]);
  });

  it('filters by status, currency and date and pages newest first with startingAfter', async () => {
    const q = (query: string) =>
      api.request<ListResponse<SettlementView>>('GET', `/api/v1/admin/settlements?merchantId=${a.id}&${query}`, {
        token: finance,
      });
    expect((await q('currency=USD')).body.data.map((s) => s.currency)).toEqual(['USD']);
    expect((await q('status=failed')).body.data).toEqual([]);
    const future = new Date(Date.now() + DAY_MS).toISOString();
    expect((await q(`createdFrom=${future}`)).body.data).toEqual([]);
    expect((await q(`createdTo=${future}`)).body.data).toHaveLength(4);

    const first = await q('limit=3');
    expect(first.body.hasMore).toBe(true);
    const rest = await q(`limit=3&startingAfter=${first.body.data[2].id}`);
    expect(rest.body.hasMore).toBe(false);
    const ids = [...first.body.data, ...rest.body.data].map((s) => s.id);
    expect(ids).toHaveLength(4);
    expect([...ids].sort().reverse()).toEqual(ids);
  });

  it('shows a settlement with its items and streams them as CSV', async () => {
    const [inr] = (
      await api.request<ListResponse<SettlementView>>(
        'GET',
        `/api/v1/admin/settlements?merchantId=${a.id}&currency=INR`,
        {
          token: finance,
        },
      )
    ).body.data;
    const detail = await api.request<SettlementDetailView>('GET', `/api/v1/admin/settlements/${inr.id}`, {
      token: finance,
    });
    expect(detail.status).toBe(200);
    expect(detail.body.items).toHaveLength(inr.itemCount);
    expect(detail.body.itemsTruncated).toBe(false);
    expect(detail.body.items.reduce((t, i) => t + i.amount, 0)).toBe(inr.amount);
    expect(detail.body.items.every((i) => i.type === 'payment' && i.paymentId?.startsWith('pay_'))).toBe(true);

    const csv = await fetch(`${api.baseUrl}/api/v1/admin/settlements/${inr.id}?format=csv`, {
      headers: { authorization: `Bearer ${finance}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="settlement-${inr.id}.csv"`);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'settlement_id,merchant_id,currency,source_journal_id,type,payment_id,refund_id,amount_minor',
    );
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toEqual(
      detail.body.items.map((i) => [
        inr.id,
        a.id,
        'INR',
        i.sourceJournalId,
        'payment',
        i.paymentId,
        '',
        String(i.amount),
      ]),
    );
  });

  it('shows a merchant its own settlements only, and 404 for another merchant’s', async () => {
    await api.request('POST', '/api/v1/admin/settlements/run', { token: admin, body: { merchantId: b.id } });
    await work();
    const mine = await api.request<ListResponse<SettlementView>>('GET', '/api/v1/merchant/settlements?limit=100', {
      token: b.key,
    });
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((s) => [s.merchantId, s.amount])).toEqual([[b.id, nets[`${b.id}:INR`]]]);
    const own = await api.request<SettlementDetailView>('GET', `/api/v1/merchant/settlements/${mine.body.data[0].id}`, {
      token: b.key,
    });
    expect(own.body.items).toHaveLength(1);
    const theirs = (
      await api.request<ListResponse<SettlementView>>('GET', `/api/v1/admin/settlements?merchantId=${a.id}`, {
        token: admin,
      })
    ).body.data[0];
    expectError(
      await api.request('GET', `/api/v1/merchant/settlements/${theirs.id}`, { token: b.key }),
      404,
      'not_found',
    );
    expectError(
      await api.request('GET', `/api/v1/merchant/settlements/${theirs.id}?format=csv`, { token: b.key }),
      404,
      'not_found',
    );
    // Staff routes are not a merchant's.
    expectError(await api.request('GET', '/api/v1/admin/settlements', { token: b.key }), 403, 'permission_error');
  });

  it.each([
    [{ merchantId: 'mer_nope' }, 'merchantId'],
    [{ merchantId: 'mer_00000000000000000000000000' }, 'merchantId'],
    [{ cutoff: 'yesterday' }, 'cutoff'],
    [{ cutoff: '2026-13-40T00:00:00Z' }, 'cutoff'],
    [{ cutoff: new Date(Date.now() + 2 * DAY_MS).toISOString() }, 'cutoff'],
    [{ merchantIds: ['x'] }, 'merchantIds'],
  ])('refuses run %j with 400 naming %s, and records nothing', async (body, param) => {
    const before = await runCount();
    const res = await api.request('POST', '/api/v1/admin/settlements/run', { token: finance, body });
    expectError(res, 400, 'invalid_request_error', param);
    expect(await runCount()).toBe(before);
  });

  it('refuses bad list and detail input, and other roles', async () => {
    const get = (path: string, token = finance) => api.request('GET', path, { token });
    expectError(await get('/api/v1/admin/settlements?status=settled'), 400, 'invalid_request_error', 'status');
    expectError(await get('/api/v1/admin/settlements?limit=0'), 400, 'invalid_request_error', 'limit');
    expectError(await get('/api/v1/admin/settlements?currency=inr'), 400, 'invalid_request_error', 'currency');
    expectError(await get('/api/v1/admin/settlements?createdFrom=today'), 400, 'invalid_request_error', 'createdFrom');
    expectError(await get('/api/v1/admin/settlements?merchantId=42'), 400, 'invalid_request_error', 'merchantId');
    const [any] = (
      await api.request<ListResponse<SettlementView>>('GET', '/api/v1/admin/settlements', { token: finance })
    ).body.data;
    expectError(await get(`/api/v1/admin/settlements/${any.id}?format=xml`), 400, 'invalid_request_error', 'format');
    expectError(await get('/api/v1/admin/settlements/stl_nope'), 404, 'not_found');
    expectError(await get(`/api/v1/admin/settlements/${newId('settlement')}`), 404, 'not_found');
    expectError(await get(`/api/v1/admin/settlements/runs/${newId('settlementRun')}`), 404, 'not_found');
    expectError(await get('/api/v1/admin/settlements', sre), 403, 'permission_error');
    const before = await runCount();
    expectError(
      await api.request('POST', '/api/v1/admin/settlements/run', { token: sre, body: {} }),
      403,
      'permission_error',
    );
    expect(await runCount()).toBe(before);
  });

  it('describes every settlement route in the OpenAPI document', async () => {
    const res = await api.request('GET', '/api/docs-json');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/admin/settlements',
        '/api/v1/admin/settlements/run',
        '/api/v1/admin/settlements/runs/{id}',
        '/api/v1/admin/settlements/{id}',
        '/api/v1/merchant/settlements',
        '/api/v1/merchant/settlements/{id}',
      ]),
    );
    expect(Object.keys(res.body.components.schemas.RunSettlementsDto.properties)).toEqual(['merchantId', 'cutoff']);
  });
});

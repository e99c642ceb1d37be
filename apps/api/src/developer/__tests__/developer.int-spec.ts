import { Redis } from 'ioredis';
import { Database, sql } from '@lsp/persistence';
import { eventually } from '@lsp/testing';
import { decodeUsageCell, latencyBucket, usagePendingKey } from '@lsp/webhooks';
import { ApiHarness, expectError } from '../../../test/api-harness';

describe('developer tools (API.md §9)', () => {
  let api: ApiHarness;
  let redis: Redis;
  let merchantId: string;
  let key: string;
  let consoleToken: string;
  let consoleEmail: string;

  beforeAll(async () => {
    api = await ApiHarness.start({ API_KEY_ROTATION_GRACE: '2s' });
    redis = new Redis(api.config.redisUrl);
    const admin = (await api.login()).accessToken;
    const created = await api.createMerchant(admin);
    merchantId = created.merchant.id;
    key = created.apiKey.secret;
    const user = await api.createUser(admin, ['merchant'], merchantId);
    consoleEmail = user.email;
    consoleToken = (await api.login(user.email, user.password)).accessToken;
  });

  afterAll(async () => {
    redis.disconnect();
    await api.close();
  });

  const keyWorks = async (secret: string): Promise<number> =>
    (await api.request('GET', '/api/v1/merchant/credentials', { token: secret })).status;

  it('regenerates a key for a console user only; the old key works for the grace period, then fails; both audited', async () => {
    expectError(
      await api.request('POST', '/api/v1/merchant/credentials/regenerate', { token: key, body: {} }),
      403,
      'permission_error',
    );
    expectError(
      await api.request('POST', '/api/v1/merchant/credentials/regenerate', {
        token: consoleToken,
        body: { mode: 'gold' },
      }),
      400,
      'invalid_request_error',
      'mode',
    );

    const res = await api.request('POST', '/api/v1/merchant/credentials/regenerate', { token: consoleToken, body: {} });
    expect(res.status).toBe(201);
    const { apiKey, replaced } = res.body;
    expect(apiKey.secret).toMatch(/^lsp_test_/);
    expect(replaced).toHaveLength(1);
    expect(replaced[0].masked).toBe(`lsp_test_••••${key.slice(-4)}`);
    expect(Date.parse(replaced[0].expiresAt)).toBeGreaterThan(Date.now());

    expect(await keyWorks(apiKey.secret)).toBe(200);
    expect(await keyWorks(key)).toBe(200);
    await eventually(async () => ((await keyWorks(key)) === 401 ? true : undefined), 8000, 200);
    expect(await keyWorks(apiKey.secret)).toBe(200);

    const listed = await api.request('GET', '/api/v1/merchant/credentials', { token: apiKey.secret });
    expect(JSON.stringify(listed.body)).not.toContain(apiKey.secret);
    expect(listed.body.data.map((k: { id: string }) => k.id)).toEqual(
      expect.arrayContaining([apiKey.id, replaced[0].id]),
    );

    const audit = await api.app
      .get(Database)
      .platform((em) =>
        sql<{ action: string; diff: unknown }>(
          em,
          `SELECT action, diff FROM audit_logs WHERE object_id IN ($1, $2) ORDER BY seq`,
          [merchantId, apiKey.id],
        ),
      );
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['api_key.regenerate', 'api_key.create']));
    expect(JSON.stringify(audit)).not.toContain(apiKey.secret);
    key = apiKey.secret;
  });

  it('revokes a key at once (consoleToken user only)', async () => {
    const fresh = (
      await api.request('POST', '/api/v1/merchant/credentials/regenerate', { token: consoleToken, body: {} })
    ).body.apiKey;
    expectError(
      await api.request('POST', `/api/v1/merchant/credentials/${fresh.id}/revoke`, { token: fresh.secret }),
      403,
      'permission_error',
    );
    const revoked = await api.request('POST', `/api/v1/merchant/credentials/${fresh.id}/revoke`, {
      token: consoleToken,
    });
    expect(revoked.body).toMatchObject({ id: fresh.id, status: 'revoked' });
    expect(await keyWorks(fresh.secret)).toBe(401);
    // The revocation is audited: who did it, on which key, active before and revoked after — no secret.
    const audit = await api.app
      .get(Database)
      .platform((em) =>
        sql<{ action: string; object_type: string; actor_email: string | null; diff: unknown }>(
          em,
          `SELECT action, object_type, actor_email, diff FROM audit_logs WHERE object_id = $1 AND action = 'api_key.revoke'`,
          [fresh.id],
        ),
      );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ object_type: 'api_key', actor_email: consoleEmail });
    expect(audit[0].diff).toMatchObject({ before: { status: 'active' }, after: { status: 'revoked' } });
    expect(JSON.stringify(audit)).not.toContain(fresh.secret);
    expectError(
      await api.request('POST', '/api/v1/merchant/credentials/key_01JDQ3ZK7Y0000000000000000/revoke', {
        token: consoleToken,
      }),
      404,
      'not_found',
    );
    key = (await api.request('POST', '/api/v1/merchant/credentials/regenerate', { token: consoleToken, body: {} })).body
      .apiKey.secret;
  });

  it('counts API-key calls per route, status class and latency bucket in Redis off the request path', async () => {
    const mine = async (): Promise<Map<string, number>> => {
      const all = await redis.hgetall(usagePendingKey(api.config));
      const cells = new Map<string, number>();
      for (const [field, n] of Object.entries(all)) {
        const cell = decodeUsageCell(field);
        if (cell?.merchantId !== merchantId) continue;
        const k = `${cell.route} ${cell.statusClass}`;
        cells.set(k, (cells.get(k) ?? 0) + Number(n));
      }
      return cells;
    };
    await redis.del(usagePendingKey(api.config));
    for (let i = 0; i < 3; i++) await api.request('GET', '/api/v1/merchant/credentials', { token: key });
    await api.request('GET', '/api/v1/payments/pay_01JDQ3ZK7Y0000000000000000', { token: key });
    // A consoleToken user's calls are not API usage.
    await api.request('GET', '/api/v1/merchant/credentials', { token: consoleToken });
    const cells = await eventually(async () => {
      const c = await mine();
      return c.get('GET /api/v1/merchant/credentials 2xx') === 3 ? c : undefined;
    });
    expect(Object.fromEntries(cells)).toEqual({
      'GET /api/v1/merchant/credentials 2xx': 3,
      'GET /api/v1/payments/:id 4xx': 1,
    });
  });

  it('reports usage per day and route with p95 latency from the flushed counters', async () => {
    const db = api.app.get(Database);
    await db.platform((em) =>
      sql(
        em,
        `INSERT INTO api_usage (merchant_id, day, route, status_class, bucket, calls) VALUES
           ($1, '2026-11-20', 'POST /api/v1/payments', '2xx', $2, 95),
           ($1, '2026-11-20', 'POST /api/v1/payments', '5xx', $3, 5),
           ($1, '2026-11-21', 'GET /api/v1/payments/:id', '4xx', $2, 10)`,
        [merchantId, latencyBucket(20), latencyBucket(700)],
      ),
    );
    const res = await api.request('GET', '/api/v1/merchant/usage?from=2026-11-19&to=2026-11-22', { token: key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'api_usage',
      merchantId,
      from: '2026-11-19',
      to: '2026-11-22',
      totalCalls: 110,
      byStatusClass: { '2xx': 95, '5xx': 5, '4xx': 10 },
      days: [
        { day: '2026-11-20', calls: 100, p95LatencyMs: 25, byStatusClass: { '2xx': 95, '5xx': 5 } },
        { day: '2026-11-21', calls: 10, p95LatencyMs: 25, byStatusClass: { '4xx': 10 } },
      ],
      routes: [
        { route: 'POST /api/v1/payments', calls: 100, p95LatencyMs: 25 },
        { route: 'GET /api/v1/payments/:id', calls: 10, p95LatencyMs: 25 },
      ],
    });
    const none = await api.request('GET', '/api/v1/merchant/usage?from=2026-01-01&to=2026-01-02', { token: key });
    expect(none.body).toMatchObject({ totalCalls: 0, p95LatencyMs: null, days: [], routes: [] });
    expectError(
      await api.request('GET', '/api/v1/merchant/usage?from=yesterday', { token: key }),
      400,
      'invalid_request_error',
      'from',
    );
    expectError(
      await api.request('GET', '/api/v1/merchant/usage?from=2026-11-22&to=2026-11-01', { token: key }),
      400,
      'invalid_request_error',
      'from',
    );
  });
});

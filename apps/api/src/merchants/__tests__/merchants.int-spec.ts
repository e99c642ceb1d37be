import type { ApiKeyView, CreateMerchantResponse, ListResponse, MerchantView } from '@lsp/contracts';
import { eventually } from '@lsp/testing';
import { ApiHarness, expectError } from '../../../test/api-harness';

describe('merchants and API keys (API.md §4, §9)', () => {
  let api: ApiHarness;
  let admin: string;

  beforeAll(async () => {
    api = await ApiHarness.start();
    admin = (await api.login()).accessToken;
  });
  afterAll(() => api.close());

  it('creates a merchant and shows its first API key once', async () => {
    const res = await api.request<CreateMerchantResponse>('POST', '/api/v1/admin/merchants', {
      token: admin,
      body: { name: 'Chai Point', email: 'Finance@ChaiPoint.in', settlementSchedule: 'T+2', rateLimitPerMinute: 120 },
    });
    expect(res.status).toBe(201);
    const { merchant, apiKey } = res.body;
    expect(merchant).toMatchObject({
      object: 'merchant',
      name: 'Chai Point',
      email: 'finance@chaipoint.in',
      status: 'active',
      settlementSchedule: 'T+2',
      rateLimitPerMinute: 120,
    });
    expect(merchant.id).toMatch(/^mer_[0-9A-Z]{26}$/);
    expect(apiKey.secret).toMatch(/^lsp_test_[A-Za-z0-9_-]{32}$/);
    expect(apiKey.masked).toBe(`lsp_test_••••${apiKey.secret.slice(-4)}`);

    // Afterwards only the masked form exists anywhere we serve.
    const keys = await api.request<ListResponse<ApiKeyView>>('GET', `/api/v1/admin/merchants/${merchant.id}/api-keys`, {
      token: admin,
    });
    expect(keys.body.data).toHaveLength(1);
    expect(JSON.stringify(keys.body)).not.toContain(apiKey.secret);
    const audit = await api.request('GET', `/api/v1/admin/audit-logs?objectId=${apiKey.id}`, { token: admin });
    expect(audit.body.data[0].action).toBe('api_key.create');
    expect(JSON.stringify(audit.body)).not.toContain(apiKey.secret);

    // The key authenticates the merchant's server.
    const creds = await api.request<ListResponse<ApiKeyView>>('GET', '/api/v1/merchant/credentials', {
      token: apiKey.secret,
    });
    expect(creds.status).toBe(200);
    expect(creds.body.data.map((k) => k.id)).toEqual([apiKey.id]);
    expect(creds.headers.get('ratelimit-limit')).toBe('120');

    // Use is recorded (off the request path, at most once a minute per key).
    const used = await eventually(async () => {
      const r = await api.request<ListResponse<ApiKeyView>>('GET', `/api/v1/admin/merchants/${merchant.id}/api-keys`, {
        token: admin,
      });
      return r.body.data[0].lastUsedAt ?? undefined;
    });
    expect(Date.now() - Date.parse(used)).toBeLessThan(60_000);
  });

  it('lists newest first with cursor pagination and a status filter', async () => {
    const created: string[] = [];
    for (let i = 0; i < 3; i++) created.push((await api.createMerchant(admin, { name: `Paged ${i}` })).merchant.id);
    const page1 = await api.request<ListResponse<MerchantView>>('GET', '/api/v1/admin/merchants?limit=2', {
      token: admin,
    });
    expect(page1.body.object).toBe('list');
    expect(page1.body.data.map((m) => m.id)).toEqual([created[2], created[1]]);
    expect(page1.body.hasMore).toBe(true);
    const page2 = await api.request<ListResponse<MerchantView>>(
      `GET`,
      `/api/v1/admin/merchants?limit=2&startingAfter=${created[1]}`,
      { token: admin },
    );
    expect(page2.body.data[0].id).toBe(created[0]);

    await api.request('PATCH', `/api/v1/admin/merchants/${created[0]}`, {
      token: admin,
      body: { status: 'suspended' },
    });
    const suspended = await api.request<ListResponse<MerchantView>>(
      'GET',
      '/api/v1/admin/merchants?status=suspended&limit=100',
      { token: admin },
    );
    expect(suspended.body.data.map((m) => m.id)).toContain(created[0]);
    expect(suspended.body.data.every((m) => m.status === 'suspended')).toBe(true);

    expectError(
      await api.request('GET', '/api/v1/admin/merchants?limit=0', { token: admin }),
      400,
      'invalid_request_error',
      'limit',
    );
    expectError(
      await api.request('GET', '/api/v1/admin/merchants?limit=101', { token: admin }),
      400,
      'invalid_request_error',
      'limit',
    );
    expectError(
      await api.request('GET', '/api/v1/admin/merchants?status=gone', { token: admin }),
      400,
      'invalid_request_error',
      'status',
    );
  });

  it('rejects bad input with 400 naming the field and writes nothing', async () => {
    const before = await api.request<ListResponse<MerchantView>>('GET', '/api/v1/admin/merchants?limit=100', {
      token: admin,
    });
    const cases: [unknown, string][] = [
      [{ email: 'a@b.in' }, 'name'],
      [{ name: 'X', email: 'nope' }, 'email'],
      [{ name: 'X', email: 'a@b.in', settlementSchedule: 'T+9' }, 'settlementSchedule'],
      [{ name: 'X', email: 'a@b.in', rateLimitPerMinute: '10' }, 'rateLimitPerMinute'],
      [{ name: 'X', email: 'a@b.in', rateLimitPerMinute: 1.5 }, 'rateLimitPerMinute'],
      [{ name: 'X', email: 'a@b.in', isAdmin: true }, 'isAdmin'],
      [{ name: 42, email: 'a@b.in' }, 'name'],
    ];
    for (const [body, param] of cases) {
      expectError(
        await api.request('POST', '/api/v1/admin/merchants', { token: admin, body }),
        400,
        'invalid_request_error',
        param,
      );
    }
    expectError(
      await api.request('POST', '/api/v1/admin/merchants', { token: admin, rawBody: '{"name": "X", ' }),
      400,
      'invalid_request_error',
    );
    expectError(
      await api.request('POST', '/api/v1/admin/merchants', { token: admin, rawBody: '[1,2]' }),
      400,
      'invalid_request_error',
    );
    const after = await api.request<ListResponse<MerchantView>>('GET', '/api/v1/admin/merchants?limit=100', {
      token: admin,
    });
    expect(after.body.data.length).toBe(before.body.data.length);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    expectError(
      await api.request('GET', '/api/v1/admin/merchants/mer_01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: admin }),
      404,
      'not_found',
    );
    expectError(await api.request('GET', '/api/v1/admin/merchants/../../etc', { token: admin }), 404, 'not_found');
    expectError(
      await api.request('PATCH', '/api/v1/admin/merchants/mer_01ARZ3NDEKTSV4RRFFQ69G5FAV', {
        token: admin,
        body: { name: 'x' },
      }),
      404,
      'not_found',
    );
  });

  it('enforces roles: finance and sre read, only admin writes, merchants never reach admin routes', async () => {
    const { merchant } = await api.createMerchant(admin);
    const finance = await api.createUser(admin, ['finance']);
    const merchantUser = await api.createUser(admin, ['merchant'], merchant.id);
    const financeToken = (await api.login(finance.email, finance.password)).accessToken;
    const merchantToken = (await api.login(merchantUser.email, merchantUser.password)).accessToken;

    expect((await api.request('GET', '/api/v1/admin/merchants', { token: financeToken })).status).toBe(200);
    expectError(
      await api.request('POST', '/api/v1/admin/merchants', {
        token: financeToken,
        body: { name: 'X', email: 'x@y.in' },
      }),
      403,
      'permission_error',
    );
    expectError(
      await api.request('PATCH', `/api/v1/admin/merchants/${merchant.id}`, {
        token: financeToken,
        body: { status: 'suspended' },
      }),
      403,
      'permission_error',
    );
    expectError(await api.request('GET', '/api/v1/admin/merchants', { token: merchantToken }), 403, 'permission_error');
    expectError(
      await api.request('GET', '/api/v1/admin/audit-logs', { token: merchantToken }),
      403,
      'permission_error',
    );

    // A merchant user sees its own credentials through the merchant routes.
    const creds = await api.request<ListResponse<ApiKeyView>>('GET', '/api/v1/merchant/credentials', {
      token: merchantToken,
    });
    expect(creds.status).toBe(200);
    expect(creds.body.data.every((k) => k.merchantId === merchant.id)).toBe(true);
    // Staff are not merchants.
    expectError(await api.request('GET', '/api/v1/merchant/credentials', { token: admin }), 403, 'permission_error');
  });

  it('validates users: merchantId exactly for the merchant role, unique email', async () => {
    const { merchant } = await api.createMerchant(admin);
    expectError(
      await api.request('POST', '/api/v1/admin/users', {
        token: admin,
        body: { email: 'm@x.in', password: 'long-enough-pass', roles: ['merchant'] },
      }),
      400,
      'invalid_request_error',
      'merchantId',
    );
    expectError(
      await api.request('POST', '/api/v1/admin/users', {
        token: admin,
        body: { email: 'f@x.in', password: 'long-enough-pass', roles: ['finance'], merchantId: merchant.id },
      }),
      400,
      'invalid_request_error',
      'merchantId',
    );
    expectError(
      await api.request('POST', '/api/v1/admin/users', {
        token: admin,
        body: { email: 'r@x.in', password: 'long-enough-pass', roles: ['root'] },
      }),
      400,
      'invalid_request_error',
      'roles',
    );
    expectError(
      await api.request('POST', '/api/v1/admin/users', {
        token: admin,
        body: { email: 'r@x.in', password: 'short', roles: ['sre'] },
      }),
      400,
      'invalid_request_error',
      'password',
    );
    const ok = await api.request('POST', '/api/v1/admin/users', {
      token: admin,
      body: { email: 'Dup@x.in', password: 'long-enough-pass', roles: ['sre'] },
    });
    expect(ok.status).toBe(201);
    expectError(
      await api.request('POST', '/api/v1/admin/users', {
        token: admin,
        body: { email: 'dup@X.in', password: 'long-enough-pass', roles: ['sre'] },
      }),
      409,
      'conflict',
    );
  });

  it('suspension and revocation take effect at once, also on another API process', async () => {
    const other = await ApiHarness.start();
    try {
      const { merchant, apiKey } = await api.createMerchant(admin);
      // Warm both processes' caches.
      expect((await api.request('GET', '/api/v1/merchant/credentials', { token: apiKey.secret })).status).toBe(200);
      expect((await other.request('GET', '/api/v1/merchant/credentials', { token: apiKey.secret })).status).toBe(200);

      const suspended = await api.request<MerchantView>('PATCH', `/api/v1/admin/merchants/${merchant.id}`, {
        token: admin,
        body: { status: 'suspended' },
      });
      expect(suspended.body.status).toBe('suspended');
      const refused = await eventually(async () => {
        const r = await other.request('GET', '/api/v1/merchant/credentials', { token: apiKey.secret });
        return r.status === 403 ? r : undefined;
      }, 3000);
      expectError(refused, 403, 'permission_error');
      expect(refused.body.error.code).toBe('merchant_suspended');

      await api.request('PATCH', `/api/v1/admin/merchants/${merchant.id}`, {
        token: admin,
        body: { status: 'active' },
      });
      await eventually(
        async () =>
          (await other.request('GET', '/api/v1/merchant/credentials', { token: apiKey.secret })).status === 200
            ? true
            : undefined,
        3000,
      );

      const revoke = await api.request('DELETE', `/api/v1/admin/merchants/${merchant.id}/api-keys/${apiKey.id}`, {
        token: admin,
      });
      expect(revoke.status).toBe(200);
      expect(revoke.body.status).toBe('revoked');
      await eventually(
        async () =>
          (await other.request('GET', '/api/v1/merchant/credentials', { token: apiKey.secret })).status === 401
            ? true
            : undefined,
        3000,
      );

      const actions = (
        await api.request('GET', `/api/v1/admin/audit-logs?objectId=${merchant.id}`, { token: admin })
      ).body.data.map((a: { action: string }) => a.action);
      expect(actions).toEqual(['merchant.reactivate', 'merchant.suspend', 'merchant.create']);
    } finally {
      await other.close();
    }
  });

  it('rate-limits a merchant per minute across API processes, with RateLimit headers', async () => {
    const other = await ApiHarness.start();
    try {
      const { apiKey } = await api.createMerchant(admin, { rateLimitPerMinute: 4 });
      // Windows are fixed minutes: start well inside one so the count cannot reset mid-test.
      const left = 60_000 - (Date.now() % 60_000);
      if (left < 5_000) await new Promise((r) => setTimeout(r, left + 100));
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 6; i++) {
        last = await (i % 2 ? other : api).request('GET', '/api/v1/merchant/credentials', { token: apiKey.secret });
        statuses.push(last.status);
      }
      // Four allowed in total — not four per process — then refused.
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      expectError(last!, 429, 'rate_limit_error');
      expect(last!.headers.get('ratelimit-limit')).toBe('4');
      expect(last!.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });

  it('refuses malformed, unknown and missing API keys with 401', async () => {
    expectError(
      await api.request('GET', '/api/v1/merchant/credentials', { token: 'lsp_test_short' }),
      401,
      'authentication_error',
    );
    expectError(
      await api.request('GET', '/api/v1/merchant/credentials', { token: `lsp_test_${'A'.repeat(32)}` }),
      401,
      'authentication_error',
    );
    expectError(await api.request('GET', '/api/v1/merchant/credentials'), 401, 'authentication_error');
    const { apiKey } = await api.createMerchant(admin);
    // An API key never opens console routes.
    expectError(await api.request('GET', '/api/v1/admin/merchants', { token: apiKey.secret }), 403, 'permission_error');
  });
});

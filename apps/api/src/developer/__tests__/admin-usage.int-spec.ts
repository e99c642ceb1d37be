import { Database, sql } from '@lsp/persistence';
import { latencyBucket } from '@lsp/webhooks';
import { ApiHarness, expectError } from '../../../test/api-harness';

describe('GET /api/v1/admin/merchants/:id/usage (the console developer area for staff)', () => {
  let api: ApiHarness;
  let admin: string;
  let merchantId: string;
  let otherMerchantId: string;
  let key: string;

  beforeAll(async () => {
    api = await ApiHarness.start();
    admin = (await api.login()).accessToken;
    const created = await api.createMerchant(admin);
    merchantId = created.merchant.id;
    key = created.apiKey.secret;
    otherMerchantId = (await api.createMerchant(admin)).merchant.id;
    await api.app.get(Database).platform((em) =>
      sql(
        em,
        `INSERT INTO api_usage (merchant_id, day, route, status_class, bucket, calls) VALUES
           ($1, '2026-11-20', 'POST /api/v1/payments', '2xx', $3, 7),
           ($2, '2026-11-20', 'POST /api/v1/payments', '2xx', $3, 1000)`,
        [merchantId, otherMerchantId, latencyBucket(20)],
      ),
    );
  });

  afterAll(async () => {
    await api.close();
  });

  it('shows staff the usage of the merchant they name, and only that merchant', async () => {
    const res = await api.request('GET', `/api/v1/admin/merchants/${merchantId}/usage?from=2026-11-19&to=2026-11-21`, {
      token: admin,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'api_usage',
      merchantId,
      totalCalls: 7,
      days: [{ day: '2026-11-20', calls: 7 }],
    });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await api.request('GET', '/api/docs-json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/v1/admin/merchants/{id}/usage');
  });

  it('refuses merchants, an unknown merchant and a bad range, naming the problem', async () => {
    expectError(
      await api.request('GET', `/api/v1/admin/merchants/${merchantId}/usage`, { token: key }),
      403,
      'permission_error',
    );
    const finance = await api.createUser(admin, ['finance']);
    const financeToken = (await api.login(finance.email, finance.password)).accessToken;
    expectError(
      await api.request('GET', `/api/v1/admin/merchants/${merchantId}/usage`, { token: financeToken }),
      403,
      'permission_error',
    );
    expectError(
      await api.request('GET', '/api/v1/admin/merchants/mer_01JZ0000000000000000000000/usage', { token: admin }),
      404,
      'not_found',
    );
    expectError(
      await api.request('GET', `/api/v1/admin/merchants/${merchantId}/usage?to=soon`, { token: admin }),
      400,
      'invalid_request_error',
      'to',
    );
  });
});

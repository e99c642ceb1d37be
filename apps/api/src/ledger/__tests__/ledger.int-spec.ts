import { Client } from 'pg';
import type {
  ApiErrorBody,
  CommissionPreview,
  CommissionRuleSetView,
  ListResponse,
  PaymentView,
  ReconciliationReportView,
  TrialBalanceView,
} from '@lsp/contracts';
import { Database, dataSourceFor, postCapture } from '@lsp/persistence';
import { eventually } from '@lsp/testing';
import { ApiHarness, expectError } from '../../../test/api-harness';

const RULES = '/api/v1/admin/commission-rules';
// Every set this suite writes keeps the platform default at 2 %: other suites of the run capture under it.
const DEFAULT_RULE = { percentBps: 200 };

/** API.md §7: commission rules (versioned, audited, validated as a set), preview, trial balance, reconciliation. */
describe('ledger API', () => {
  let api: ApiHarness;
  let db: Database;
  let owner: Client;
  let admin: string;
  let finance: string;
  let sre: string;
  let merchant: { id: string; key: string };
  let other: string;

  beforeAll(async () => {
    api = await ApiHarness.start({ SANDBOX_CALLBACK_DELAY: '50ms' });
    const ds = dataSourceFor(api.config, 'app', 2);
    await ds.initialize();
    db = new Database(ds);
    owner = new Client({ connectionString: api.config.databaseUrl });
    await owner.connect();
    admin = (await api.login()).accessToken;
    const m = await api.createMerchant(admin, { name: 'Ledger Shop', rateLimitPerMinute: 100000 });
    merchant = { id: m.merchant.id, key: m.apiKey.secret };
    other = (await api.createMerchant(admin, { name: 'Other Shop' })).merchant.id;
    const loginAs = async (roles: string[]) => {
      const user = await api.createUser(admin, roles);
      return (await api.login(user.email, user.password)).accessToken;
    };
    finance = await loginAs(['finance']);
    sre = await loginAs(['sre']);
  });

  afterAll(async () => {
    await owner.end();
    await db.dataSource.destroy();
    await api.close();
  });

  const put = (rules: unknown, token = finance) =>
    api.request<CommissionRuleSetView>('PUT', RULES, { token, body: { rules } });
  const current = async () => (await api.request<CommissionRuleSetView>('GET', RULES, { token: finance })).body;

  it('serves the current rule set, starting from the 2 % platform default', async () => {
    const res = await api.request<CommissionRuleSetView>('GET', `${RULES}?version=1`, { token: finance });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'commission_rule_set',
      version: 1,
      rules: [{ merchantId: null, provider: null, method: null, currency: null, percentBps: 200, fixedAmount: 0 }],
    });
    expectError(await api.request('GET', `${RULES}?version=999999`, { token: finance }), 404, 'not_found');
  });

  it('stores a new version, audited, and charges later captures under it while earlier ones keep theirs', async () => {
    const res = await put([
      DEFAULT_RULE,
      { merchantId: merchant.id, percentBps: 150, fixedAmount: 300, minAmount: 500 },
      { merchantId: merchant.id, method: 'upi', percentBps: 100, maxAmount: 2_000 },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.rules).toHaveLength(3);
    expect(res.body.rules[2]).toMatchObject({
      merchantId: merchant.id,
      method: 'upi',
      percentBps: 100,
      maxAmount: 2_000,
    });
    expect((await current()).version).toBe(res.body.version);

    const audit = await api.request<ListResponse<{ action: string; objectId: string }>>(
      'GET',
      `/api/v1/admin/audit-logs?action=commission_rules.update&objectId=${res.body.version}`,
      { token: admin },
    );
    expect(audit.body.data).toHaveLength(1);

    const pay = await api.request<PaymentView>('POST', '/api/v1/payments', {
      token: merchant.key,
      body: { amount: 500_000, currency: 'INR', method: 'upi' },
      headers: { 'idempotency-key': `ledger-api-${Date.now()}` },
    });
    await eventually(async () => {
      const p = (await api.request<PaymentView>('GET', `/api/v1/payments/${pay.body.id}`, { token: merchant.key }))
        .body;
      return p.status === 'captured' ? p : undefined;
    });
    const posted = await db.platform((em) => postCapture(em, pay.body.id));
    // 1 % of 500 000 = 5 000, capped at 2 000 by the merchant's UPI rule.
    expect(posted.commission).toBe(2_000);
    const { rows } = await owner.query(
      `SELECT commission_rule_version, commission_rule_id FROM ledger_journals WHERE id = $1`,
      [posted.journalId],
    );
    expect(rows[0]).toEqual({ commission_rule_version: res.body.version, commission_rule_id: res.body.rules[2].id });
  });

  it.each([
    [
      'an ambiguous overlap',
      [DEFAULT_RULE, { merchantId: 'M', percentBps: 100 }, { method: 'upi', percentBps: 50 }],
      'rules.2',
      'ambiguous_commission_rules',
    ],
    [
      'two rules for one scope',
      [DEFAULT_RULE, { method: 'card', percentBps: 100 }, { method: 'card', percentBps: 90 }],
      'rules.2',
      'ambiguous_commission_rules',
    ],
    ['no default rule', [{ method: 'card', percentBps: 100 }], 'rules', 'invalid_commission_rule'],
    ['an absurd percentage', [{ percentBps: 6_000 }], 'rules.0.percentBps', undefined],
    ['a negative fixed fee', [{ percentBps: 100, fixedAmount: -1 }], 'rules.0.fixedAmount', undefined],
    ['a fractional percentage', [{ percentBps: 1.5 }], 'rules.0.percentBps', undefined],
    [
      'min above max',
      [DEFAULT_RULE, { method: 'upi', percentBps: 1, minAmount: 900, maxAmount: 100 }],
      'rules.1.maxAmount',
      'invalid_commission_rule',
    ],
    [
      'an unknown merchant',
      [DEFAULT_RULE, { merchantId: 'mer_01JAAAAAAAAAAAAAAAAAAAAAAA', percentBps: 1 }],
      'rules.1.merchantId',
      undefined,
    ],
    ['a malformed merchant id', [DEFAULT_RULE, { merchantId: 'acme', percentBps: 1 }], 'rules.1.merchantId', undefined],
    ['an unknown currency', [DEFAULT_RULE, { currency: 'inr', percentBps: 1 }], 'rules.1.currency', undefined],
    ['an unknown field', [{ percentBps: 100, percent: 2 }], 'rules.0.percent', undefined],
    ['an empty set', [], 'rules', undefined],
  ])('refuses %s with 400 naming the field, changing nothing', async (_, rules, param, code) => {
    const before = await current();
    const body = (rules as Record<string, unknown>[]).map((r) =>
      r['merchantId'] === 'M' ? { ...r, merchantId: other } : r,
    );
    const res = await put(body);
    expectError(res, 400, 'invalid_request_error', param);
    if (code) expect((res.body as unknown as ApiErrorBody).error.code).toBe(code);
    expect((await current()).version).toBe(before.version);
  });

  it('keeps commission rules to finance and admins', async () => {
    expectError(await put([DEFAULT_RULE], sre), 403, 'permission_error');
    expectError(await api.request('GET', RULES, { token: sre }), 403, 'permission_error');
    expectError(await api.request('GET', RULES, { token: merchant.key }), 403, 'permission_error');
  });

  it('previews the fee on a sample amount, under the current rules or a draft set', async () => {
    const sample = { amount: 10_000, currency: 'INR', merchantId: other, provider: 'razorpay', method: 'card' };
    const now = await api.request<CommissionPreview>('POST', `${RULES}/preview`, { token: finance, body: sample });
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({
      commission: 200,
      net: 9_800,
      version: (await current()).version,
      rule: { percentBps: 200 },
    });

    const draft = await api.request<CommissionPreview>('POST', `${RULES}/preview`, {
      token: finance,
      body: { ...sample, rules: [DEFAULT_RULE, { provider: 'razorpay', percentBps: 175, fixedAmount: 25 }] },
    });
    // 1.75 % of 10 000 = 175, plus 25.
    expect(draft.body).toMatchObject({
      commission: 200,
      net: 9_800,
      version: null,
      rule: { id: null, percentBps: 175 },
    });

    expectError(
      await api.request('POST', `${RULES}/preview`, { token: finance, body: { ...sample, amount: 0 } }),
      400,
      'invalid_request_error',
      'amount',
    );
    expectError(
      await api.request('POST', `${RULES}/preview`, {
        token: finance,
        body: { ...sample, rules: [{ merchantId: other, percentBps: 1 }] },
      }),
      400,
      'invalid_request_error',
      'rules',
    );
  });

  it('reports a balanced trial balance, per currency', async () => {
    const res = await api.request<TrialBalanceView>('GET', '/api/v1/admin/ledger/trial-balance', { token: finance });
    expect(res.status).toBe(200);
    expect(res.body.balanced).toBe(true);
    const inr = res.body.totals.find((t) => t.currency === 'INR');
    expect(inr).toMatchObject({ balanced: true });
    expect(inr?.debits).toBe(inr?.credits);
    expect(inr?.debits).toBeGreaterThan(0);
    const clearing = res.body.accounts.find((a) => a.kind === 'gateway_clearing' && a.currency === 'INR');
    expect(clearing).toMatchObject({ normalSide: 'debit', merchantId: null });
    expectError(
      await api.request('GET', '/api/v1/admin/ledger/trial-balance', { token: sre }),
      403,
      'permission_error',
    );
  });

  it('reports reconciliation: the latest nightly run, and the checks run live on request', async () => {
    const res = await api.request<ReconciliationReportView>('GET', '/api/v1/admin/ledger/reconciliation?live=true', {
      token: finance,
    });
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('reconciliation_report');
    expect(res.body.live?.checks.map((c) => c.check)).toEqual([
      'journals-balanced',
      'currency-zero-sum',
      'account-balances',
      'no-negative-balance',
      'one-journal-per-reference',
      'payments-journaled',
      'hash-chain',
    ]);
    expect(res.body.live?.checks.filter((c) => !c.ok)).toEqual([]);
    const quick = await api.request<ReconciliationReportView>('GET', '/api/v1/admin/ledger/reconciliation', {
      token: finance,
    });
    expect(quick.body.live).toBeNull();
    expectError(
      await api.request('GET', '/api/v1/admin/ledger/reconciliation?live=yes', { token: finance }),
      400,
      'invalid_request_error',
      'live',
    );
  });

  it('describes the money routes and their DTOs in the OpenAPI document', async () => {
    const res = await api.request('GET', '/api/docs-json');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/admin/wallets',
        '/api/v1/admin/wallets/{merchantId}',
        '/api/v1/admin/wallets/{merchantId}/statement',
        '/api/v1/admin/wallets/{merchantId}/low-balance-threshold',
        '/api/v1/merchant/wallet',
        '/api/v1/merchant/wallet/statement',
        '/api/v1/admin/commission-rules',
        '/api/v1/admin/commission-rules/preview',
        '/api/v1/admin/ledger/trial-balance',
        '/api/v1/admin/ledger/reconciliation',
      ]),
    );
    expect(res.body.components.schemas.CommissionRuleDto.required).toEqual(['percentBps']);
    expect(res.body.components.schemas.PutCommissionRulesDto.required).toEqual(['rules']);
  });
});

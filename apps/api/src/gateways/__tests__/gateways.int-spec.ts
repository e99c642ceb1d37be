import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { CreatedGateway, GatewayView, ListResponse, PaymentView } from '@lsp/contracts';
import { RazorpaySimulator } from '@lsp/gateways';
import { prepareDatabase } from '@lsp/persistence';
import { SecretBox, createLogger, loadConfig } from '@lsp/platform';
import { eventually } from '@lsp/testing';
import { ApiHarness, expectError } from '../../../test/api-harness';

const OWNER_URL = process.env['TEST_DATABASE_OWNER_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RZP_SECRET = `rzpsecret${randomBytes(12).toString('hex')}`;
const PHONEPE_SALT = `salt-${randomBytes(12).toString('hex')}`;
const PHONEPE_HOOK_PASSWORD = `p1${randomBytes(6).toString('hex')}`;
const GATEWAYS = '/api/v1/admin/gateways';
const PHONEPE_V2 = { clientId: 'TESTCLIENT_1234', clientSecret: 'cs-1', clientVersion: '1' };
const PHONEPE_HOOK = { webhookUsername: 'lsp_webhook_user', webhookPassword: PHONEPE_HOOK_PASSWORD };

/**
 * Gateway management (API.md §6) on two API processes. The suite disables and deletes the seeded sandbox gateways,
 * so it runs on a database of its own: the other suites of the run keep routing to them undisturbed.
 */
describe('gateways admin API (API.md §6)', () => {
  let a: ApiHarness;
  let b: ApiHarness;
  let owner: Client;
  let admin: string;
  let sre: string;
  let merchantKey: string;
  let n = 0;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    const url = new URL(process.env['DATABASE_URL'] ?? '');
    url.pathname = `${url.pathname}_gw`;
    Object.assign(env, { DATABASE_URL: url.toString(), SANDBOX_CALLBACK_DELAY: '100ms' });
    await prepareDatabase(loadConfig({ ...process.env, ...env }), createLogger('gateways-test', 'warn'));
    owner = new Client({ connectionString: env['DATABASE_URL'] });
    await owner.connect();
    [a, b] = await Promise.all([ApiHarness.start(env), ApiHarness.start(env)]);
    admin = (await a.login()).accessToken;
    const sreUser = await a.createUser(admin, ['sre']);
    sre = (await a.login(sreUser.email, sreUser.password)).accessToken;
    merchantKey = (await a.createMerchant(admin, { rateLimitPerMinute: 100000 })).apiKey.secret;
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await owner?.end();
    const root = new Client({ connectionString: OWNER_URL });
    await root.connect();
    await root.query(`DROP DATABASE IF EXISTS "${new URL(env['DATABASE_URL']).pathname.slice(1)}" WITH (FORCE)`);
    await root.end();
  });

  const list = async (api = a, token = admin) =>
    (await api.request<ListResponse<GatewayView>>('GET', GATEWAYS, { token })).body.data;
  const byCode = async (code: string) => (await list()).find((g) => g.code === code) as GatewayView;
  const razorpay = (overrides: Record<string, unknown> = {}) => ({
    code: `rzp-${n++}`,
    name: 'Razorpay',
    provider: 'razorpay',
    priority: 100 + n,
    currencies: ['INR'],
    methods: ['upi', 'card'],
    credentials: { keyId: 'rzp_test_AbCdEfGh123456', keySecret: RZP_SECRET },
    ...overrides,
  });
  const pay = (api: ApiHarness, amount: number) =>
    api.request<PaymentView>('POST', '/api/v1/payments', {
      token: merchantKey,
      body: { amount, currency: 'INR', method: 'upi' },
      headers: { 'idempotency-key': `gw-${Date.now()}-${n++}` },
    });
  /** Every payment on `api` goes to `code`, soon: the other process hears of the change through Redis. */
  const routesTo = (api: ApiHarness, code: string) =>
    eventually(
      async () => {
        const p = (await pay(api, 10_000)).body;
        return p.gateway === code ? p : undefined;
      },
      1000,
      20,
    );
  /**
   * A gateway's audit rows in order, after checking that none of them carries that gateway's secrets: the
   * credentials and webhook secret are opened from the row itself, so whatever the gateway holds now is looked for.
   */
  const auditsOf = async (gatewayId: string) => {
    const sealed = (await owner.query(`SELECT secrets_encrypted FROM gateways WHERE id = $1`, [gatewayId])).rows[0]
      .secrets_encrypted as string;
    const box = new SecretBox(loadConfig({ ...process.env, ...env }).encryptionKeys);
    const secrets = JSON.parse(box.open(sealed)) as { credentials: Record<string, string>; webhookSecret: string };
    const rows = (
      await owner.query<{ action: string; diff: { before: Record<string, unknown>; after: Record<string, unknown> } }>(
        `SELECT action, diff FROM audit_logs WHERE object_id = $1 ORDER BY created_at, id`,
        [gatewayId],
      )
    ).rows;
    const text = JSON.stringify(rows);
    // Short values (a client version, a salt index) are not secrets and would match by chance.
    const values = [secrets.webhookSecret, ...Object.values(secrets.credentials)].filter((v) => v.length >= 8);
    expect(values.length).toBeGreaterThan(0);
    for (const value of values)
      expect({ gatewayId, leaked: text.includes(value) }).toEqual({ gatewayId, leaked: false });
    expect(text).not.toContain(sealed.split(':')[3]);
    return rows;
  };
  const snapshot = async () => ({
    gateways: (
      await owner.query(`SELECT id, code, priority, enabled, secrets_encrypted, deleted_at FROM gateways ORDER BY id`)
    ).rows,
    audits: Number((await owner.query(`SELECT count(*) FROM audit_logs`)).rows[0].count),
  });

  it('creates a gateway: masked credentials, the webhook secret shown once, audited without secrets', async () => {
    const res = await a.request<CreatedGateway>('POST', GATEWAYS, {
      token: admin,
      body: razorpay({ code: 'rzp-main' }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'gateway',
      code: 'rzp-main',
      provider: 'razorpay',
      enabled: true,
      currencies: ['INR'],
      methods: ['upi', 'card'],
      config: {},
      credentials: { keyId: 'rzp_test_••••3456', keySecret: '••••' },
      webhookSecretSet: true,
      secretsKeyVersion: 'v1',
      health: { status: 'healthy', successRate: null, p95LatencyMs: null },
    });
    expect(res.body.id).toMatch(/^gw_/);
    expect(res.body.webhookSecret.length).toBeGreaterThanOrEqual(32);
    const webhookSecret = res.body.webhookSecret;

    const got = await a.request<GatewayView>('GET', `${GATEWAYS}/${res.body.id}`, { token: admin });
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('webhookSecret');
    const reads = JSON.stringify([got.body, await list(), await list(a, sre)]);
    expect(reads).not.toContain(RZP_SECRET);
    expect(reads).not.toContain(webhookSecret);
    expect(reads).not.toContain('AbCdEfGh123456');

    const audits = await a.request('GET', `/api/v1/admin/audit-logs?objectId=${res.body.id}`, { token: admin });
    const rows = (
      await owner.query(`SELECT diff::text AS diff, action FROM audit_logs WHERE object_id = $1`, [res.body.id])
    ).rows;
    expect(rows.map((r) => r.action)).toEqual(['gateway.create']);
    const auditText = JSON.stringify([audits.body, rows]);
    expect(auditText).not.toContain(RZP_SECRET);
    expect(auditText).not.toContain(webhookSecret);

    const stored = (await owner.query(`SELECT secrets_encrypted FROM gateways WHERE id = $1`, [res.body.id])).rows[0];
    expect(stored.secrets_encrypted).toMatch(/^v1:/);
    expect(stored.secrets_encrypted).not.toContain(RZP_SECRET);
    expect(stored.secrets_encrypted).not.toContain(webhookSecret);
    expect(Buffer.from(stored.secrets_encrypted.split(':')[3], 'base64').toString('latin1')).not.toContain(RZP_SECRET);
  });

  it('accepts PhonePe v1 and v2 credentials and a given webhook secret', async () => {
    const v1 = await a.request<CreatedGateway>('POST', GATEWAYS, {
      token: admin,
      body: razorpay({
        provider: 'phonepe',
        config: { mode: 'v1' },
        credentials: { merchantId: 'PGTESTPAYUAT', saltKey: PHONEPE_SALT, saltIndex: '1' },
        webhookSecret: 'given-webhook-secret-0001',
      }),
    });
    expect(v1.status).toBe(201);
    expect(v1.body.credentials).toEqual({ merchantId: '••••YUAT', saltKey: '••••', saltIndex: '1' });
    expect(v1.body.webhookSecret).toBe('given-webhook-secret-0001');
    const v2 = await a.request<CreatedGateway>('POST', GATEWAYS, {
      token: admin,
      body: razorpay({
        provider: 'phonepe',
        credentials: {
          clientId: 'TESTCLIENT_1234',
          clientSecret: 'cs-1',
          clientVersion: 1,
          webhookUsername: 'lsp_webhook_user',
          webhookPassword: PHONEPE_HOOK_PASSWORD,
        },
      }),
    });
    expect(v2.status).toBe(201);
    expect(v2.body.credentials).toEqual({
      clientId: '••••1234',
      clientSecret: '••••',
      clientVersion: '1',
      webhookUsername: '••••user',
      webhookPassword: '••••',
    });
    expect(JSON.stringify(await list())).not.toContain(PHONEPE_HOOK_PASSWORD);
    expect(JSON.stringify(await list())).not.toContain(PHONEPE_SALT);
  });

  it.each([
    ['unknown provider', { provider: 'stripe' }, 400, 'provider'],
    ['missing credentials', { credentials: undefined }, 400, 'credentials.keyId'],
    ['malformed key id', { credentials: { keyId: 'key_123', keySecret: 'x' } }, 400, 'credentials.keyId'],
    [
      'empty key secret',
      { credentials: { keyId: 'rzp_live_AbCdEfGh123456', keySecret: '' } },
      400,
      'credentials.keySecret',
    ],
    [
      'unknown credential',
      { credentials: { keyId: 'rzp_live_AbCdEfGh123456', keySecret: 's', pin: '1' } },
      400,
      'credentials.pin',
    ],
    [
      'PhonePe v1 without salt key',
      { provider: 'phonepe', config: { mode: 'v1' }, credentials: { merchantId: 'M1', saltIndex: '1' } },
      400,
      'credentials.saltKey',
    ],
    [
      'PhonePe v1 credentials without config.mode v1 (they would run as v2)',
      { provider: 'phonepe', credentials: { merchantId: 'M1', saltKey: PHONEPE_SALT, saltIndex: '1' } },
      400,
      'config.mode',
    ],
    [
      'PhonePe v2 credentials under config.mode v1',
      { provider: 'phonepe', config: { mode: 'v1' }, credentials: { ...PHONEPE_V2, ...PHONEPE_HOOK } },
      400,
      'config.mode',
    ],
    [
      'PhonePe unknown mode',
      { provider: 'phonepe', config: { mode: 'v3' }, credentials: PHONEPE_V2 },
      400,
      'config.mode',
    ],
    [
      'PhonePe v2 without webhook credentials (every webhook would get 401)',
      { provider: 'phonepe', credentials: PHONEPE_V2 },
      400,
      'credentials.webhookUsername',
    ],
    [
      'PhonePe v2 with a webhook secret that is not username:password',
      { provider: 'phonepe', credentials: PHONEPE_V2, webhookSecret: 'abcdefghijklmnopqrstuvwxyz012345' },
      400,
      'webhookSecret',
    ],
    [
      'PhonePe v2 webhook username too short',
      { provider: 'phonepe', credentials: { ...PHONEPE_V2, ...PHONEPE_HOOK, webhookUsername: 'abc' } },
      400,
      'credentials.webhookUsername',
    ],
    [
      'PhonePe v2 webhook password without digits',
      { provider: 'phonepe', credentials: { ...PHONEPE_V2, ...PHONEPE_HOOK, webhookPassword: 'lettersonly' } },
      400,
      'credentials.webhookPassword',
    ],
    [
      'PhonePe v2 webhook username without its password',
      { provider: 'phonepe', credentials: { ...PHONEPE_V2, webhookUsername: 'lsp_webhook_user' } },
      400,
      'credentials.webhookPassword',
    ],
    [
      'PhonePe v2 bad version',
      { provider: 'phonepe', credentials: { ...PHONEPE_V2, ...PHONEPE_HOOK, clientVersion: 'x' } },
      400,
      'credentials.clientVersion',
    ],
    ['sandbox credentials', { provider: 'sandbox', credentials: { keyId: 'x' } }, 400, 'credentials.keyId'],
    ['bad sandbox config', { provider: 'sandbox', credentials: {}, config: { mode: 'sideways' } }, 400, 'config.mode'],
    ['unknown currency', { currencies: ['INR', 'XYZ'] }, 400, 'currencies[1]'],
    ['unknown method', { methods: ['cheque'] }, 400, 'methods'],
    ['bad code', { code: 'Bad Code' }, 400, 'code'],
    ['unknown field', { colour: 'red' }, 400, 'colour'],
    ['duplicate code', { code: 'sandbox-primary' }, 409, 'code'],
  ])('refuses %s, naming the field, with nothing changed', async (_case, overrides, status, param) => {
    const before = await snapshot();
    const res = await a.request('POST', GATEWAYS, { token: admin, body: razorpay(overrides) });
    expectError(res, status, status === 400 ? 'invalid_request_error' : 'conflict', param);
    if (status === 409) expect(res.body.error.code).toBe('gateway_code_taken');
    expect(JSON.stringify(res.body)).not.toContain(RZP_SECRET);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a PhonePe update that would leave mode and credentials disagreeing or webhooks unverifiable', async () => {
    const created = await a.request<CreatedGateway>('POST', GATEWAYS, {
      token: admin,
      body: razorpay({ provider: 'phonepe', credentials: { ...PHONEPE_V2, ...PHONEPE_HOOK } }),
    });
    expect(created.status).toBe(201);
    const path = `${GATEWAYS}/${created.body.id}`;
    const before = await snapshot();
    for (const [body, param] of [
      [{ config: { mode: 'v1' } }, 'config.mode'],
      [{ credentials: PHONEPE_V2 }, 'credentials.webhookUsername'],
      [{ credentials: { merchantId: 'M1', saltKey: PHONEPE_SALT, saltIndex: '1' } }, 'config.mode'],
    ] as const) {
      expectError(await a.request('PUT', path, { token: admin, body }), 400, 'invalid_request_error', param);
    }
    expect(await snapshot()).toEqual(before);
    const moved = await a.request<GatewayView>('PUT', path, {
      token: admin,
      body: { config: { mode: 'v1' }, credentials: { merchantId: 'M1', saltKey: PHONEPE_SALT, saltIndex: '1' } },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.credentials).toEqual({ merchantId: '••••', saltKey: '••••', saltIndex: '1' });
  });

  it('lets sre read gateways and their health but change nothing (403)', async () => {
    const gw = await byCode('rzp-main');
    expect((await a.request('GET', GATEWAYS, { token: sre })).status).toBe(200);
    expect((await a.request('GET', `${GATEWAYS}/${gw.id}`, { token: sre })).status).toBe(200);
    expect((await a.request('GET', `${GATEWAYS}/health`, { token: sre })).status).toBe(200);
    const before = await snapshot();
    for (const [method, path, body] of [
      ['POST', GATEWAYS, razorpay()],
      ['PUT', `${GATEWAYS}/${gw.id}`, { enabled: false }],
      ['DELETE', `${GATEWAYS}/${gw.id}`, undefined],
      ['PUT', `${GATEWAYS}/priority`, [{ id: gw.id, priority: 5 }]],
      ['POST', `${GATEWAYS}/${gw.id}/test`, undefined],
    ] as const) {
      expectError(await a.request(method, path, { token: sre, body }), 403, 'permission_error');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('updates partially: credentials kept unless given, replaced write-only, bad input changes nothing', async () => {
    const gw = await byCode('rzp-main');
    const renamed = await a.request<GatewayView>('PUT', `${GATEWAYS}/${gw.id}`, {
      token: admin,
      body: { name: 'Razorpay (renamed)', methods: ['upi'] },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Razorpay (renamed)', methods: ['upi'], credentials: gw.credentials });

    const before = await snapshot();
    const bad = await a.request('PUT', `${GATEWAYS}/${gw.id}`, {
      token: admin,
      body: { name: 'x', credentials: { keyId: 'rzp_test_short', keySecret: 'new' } },
    });
    expectError(bad, 400, 'invalid_request_error', 'credentials.keyId');
    expectError(
      await a.request('PUT', `${GATEWAYS}/${gw.id}`, { token: admin, body: { provider: 'phonepe' } }),
      400,
      'invalid_request_error',
      'provider',
    );
    expectError(
      await a.request('PUT', `${GATEWAYS}/${gw.id}`, { token: admin, body: { code: 'sandbox-secondary' } }),
      409,
      'conflict',
      'code',
    );
    expect(await snapshot()).toEqual(before);

    const newSecret = `rotated-${randomBytes(8).toString('hex')}`;
    const replaced = await a.request<GatewayView>('PUT', `${GATEWAYS}/${gw.id}`, {
      token: admin,
      body: { credentials: { keyId: 'rzp_live_ZyXwVuTs987654', keySecret: newSecret } },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.credentials).toEqual({ keyId: 'rzp_live_••••7654', keySecret: '••••' });
    const diffs = (await owner.query(`SELECT diff::text AS d FROM audit_logs WHERE object_id = $1`, [gw.id])).rows;
    expect(diffs).toHaveLength(3);
    expect(JSON.stringify(diffs)).not.toContain(newSecret);
    const stored = (await owner.query(`SELECT secrets_encrypted FROM gateways WHERE id = $1`, [gw.id])).rows[0];
    expect(stored.secrets_encrypted).not.toContain(newSecret);
  });

  it('routes around a gateway disabled on another API process at once', async () => {
    const primary = await byCode('sandbox-primary');
    // B has the gateway list cached from this payment ...
    expect((await pay(b, 10_000)).body.gateway).toBe('sandbox-primary');
    // ... and A disables the primary: B must see it through the invalidation, well inside its 2 s cache.
    const off = await a.request('PUT', `${GATEWAYS}/${primary.id}`, { token: admin, body: { enabled: false } });
    expect(off.status).toBe(200);
    const started = Date.now();
    const routed = await routesTo(b, 'sandbox-secondary');
    expect(routed.gateway).toBe('sandbox-secondary');
    expect(Date.now() - started).toBeLessThan(1000);
    const audit = await owner.query(`SELECT action FROM audit_logs WHERE object_id = $1`, [primary.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['gateway.disable']);
    expect(
      (await a.request('PUT', `${GATEWAYS}/${primary.id}`, { token: admin, body: { enabled: true } })).status,
    ).toBe(200);
    const audits = await auditsOf(primary.id);
    expect(audits.map((r) => r.action)).toEqual(['gateway.disable', 'gateway.enable']);
    expect(audits[0].diff).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    expect(audits[1].diff).toMatchObject({ before: { enabled: false }, after: { enabled: true } });
    await routesTo(b, 'sandbox-primary');
  });

  it('reports health from the last 15 minutes of attempts', async () => {
    const res = await a.request('GET', `${GATEWAYS}/health`, { token: admin });
    expect(res.status).toBe(200);
    const primary = res.body.data.find((h: { code: string }) => h.code === 'sandbox-primary');
    expect(primary).toMatchObject({ status: 'healthy', checkedAt: null });
    expect(typeof primary.p95LatencyMs).toBe('number');
    const rzp = res.body.data.find((h: { code: string }) => h.code === 'rzp-main');
    expect(rzp).toMatchObject({ successRate: null, p95LatencyMs: null });
    await eventually(async () => {
      const g = await byCode('sandbox-primary');
      return g.health.successRate === 1 ? g : undefined;
    });
  });

  it('updates priorities in bulk, all or nothing', async () => {
    const [primary, secondary, rzp] = await Promise.all(
      ['sandbox-primary', 'sandbox-secondary', 'rzp-main'].map(byCode),
    );
    const before = await snapshot();
    const collision = await a.request('PUT', `${GATEWAYS}/priority`, {
      token: admin,
      body: [
        { id: rzp.id, priority: 1 },
        { id: primary.id, priority: secondary.priority },
      ],
    });
    expectError(collision, 409, 'conflict', 'priority');
    expect(collision.body.error.code).toBe('priority_collision');
    const unknown = await a.request('PUT', `${GATEWAYS}/priority`, {
      token: admin,
      body: [
        { id: rzp.id, priority: 1 },
        { id: 'gw_01ARZ3NDEKTSV4RRFFQ69G5FAV', priority: 2 },
      ],
    });
    expectError(unknown, 400, 'invalid_request_error', '[1].id');
    expectError(
      await a.request('PUT', `${GATEWAYS}/priority`, { token: admin, body: [{ id: rzp.id, priority: -1 }] }),
      400,
      'invalid_request_error',
      '[0].priority',
    );
    expect(await snapshot()).toEqual(before);

    // A swap is only possible as one atomic update: each half alone collides.
    const swap = await a.request<ListResponse<GatewayView>>('PUT', `${GATEWAYS}/priority`, {
      token: admin,
      body: [
        { id: primary.id, priority: secondary.priority },
        { id: secondary.id, priority: primary.priority },
      ],
    });
    expect(swap.status).toBe(200);
    expect(swap.body.data.slice(0, 2).map((g) => g.code)).toEqual(['sandbox-secondary', 'sandbox-primary']);
    // One gateway.priority row per gateway that moved, each from its old to its new priority; the refused
    // requests above recorded nothing.
    for (const [moved, from, to] of [
      [primary, primary.priority, secondary.priority],
      [secondary, secondary.priority, primary.priority],
    ] as const) {
      const priorityRows = (await auditsOf(moved.id)).filter((r) => r.action === 'gateway.priority');
      expect(priorityRows.map((r) => r.diff)).toEqual([
        { before: expect.objectContaining({ priority: from }), after: expect.objectContaining({ priority: to }) },
      ]);
    }
    expect((await auditsOf(rzp.id)).map((r) => r.action)).not.toContain('gateway.priority');
    await routesTo(b, 'sandbox-secondary');
    const back = await a.request('PUT', `${GATEWAYS}/priority`, {
      token: admin,
      body: [
        { id: primary.id, priority: primary.priority },
        { id: secondary.id, priority: secondary.priority },
      ],
    });
    expect(back.status).toBe(200);
  });

  it('tests a gateway with a real, harmless call: not ok for a sandbox in mode down', async () => {
    const down = await a.request<CreatedGateway>('POST', GATEWAYS, {
      token: admin,
      body: { ...razorpay({ provider: 'sandbox', credentials: {} }), config: { mode: 'down' }, enabled: false },
    });
    expect(down.status).toBe(201);
    const res = await a.request('POST', `${GATEWAYS}/${down.body.id}/test`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(typeof res.body.errorClass).toBe('string');
    expect(typeof res.body.latencyMs).toBe('number');
    const up = await a.request('POST', `${GATEWAYS}/${(await byCode('sandbox-primary')).id}/test`, { token: admin });
    expect(up.body).toMatchObject({ ok: true });
    expect(up.body).not.toHaveProperty('errorClass');
    const audit = await owner.query(`SELECT action FROM audit_logs WHERE object_id = $1 ORDER BY created_at`, [
      down.body.id,
    ]);
    expect(audit.rows.map((r) => r.action)).toEqual(['gateway.create', 'gateway.test']);
  });

  it('tests a Razorpay gateway with an authenticated call: ok with its keys, an error class with wrong ones', async () => {
    const simulator = new RazorpaySimulator();
    const baseUrl = await simulator.start();
    try {
      const created = await a.request<CreatedGateway>('POST', GATEWAYS, {
        token: admin,
        body: razorpay({
          enabled: false,
          config: { baseUrl },
          credentials: { keyId: simulator.keyId, keySecret: simulator.keySecret },
        }),
      });
      expect(created.status).toBe(201);
      const path = `${GATEWAYS}/${created.body.id}/test`;
      expect((await a.request('POST', path, { token: admin })).body).toMatchObject({ ok: true });
      const rekeyed = await a.request('PUT', `${GATEWAYS}/${created.body.id}`, {
        token: admin,
        body: { credentials: { keyId: simulator.keyId, keySecret: 'wrong_secret_000000000000' } },
      });
      expect(rekeyed.status).toBe(200);
      const failed = await a.request('POST', path, { token: admin });
      expect(failed.status).toBe(200);
      expect(failed.body.ok).toBe(false);
      expect(typeof failed.body.errorClass).toBe('string');
      expect(JSON.stringify(failed.body)).not.toContain('wrong_secret');
    } finally {
      await simulator.stop();
    }
  });

  it('refuses to delete a gateway with a payment in flight; soft-deletes otherwise', async () => {
    const primary = await byCode('sandbox-primary');
    const pending = await pay(a, 10_053);
    expect(pending.body).toMatchObject({ status: 'pending', gateway: 'sandbox-primary' });
    const before = await snapshot();
    const refused = await a.request('DELETE', `${GATEWAYS}/${primary.id}`, { token: admin });
    expectError(refused, 409, 'conflict');
    expect(refused.body.error.code).toBe('gateway_in_use');
    expect(await snapshot()).toEqual(before);

    const rzp = await byCode('rzp-main');
    const deleted = await a.request('DELETE', `${GATEWAYS}/${rzp.id}`, { token: admin });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: rzp.id, object: 'gateway', deleted: true });
    const deletions = (await auditsOf(rzp.id)).filter((r) => r.action === 'gateway.delete');
    expect(deletions.map((r) => r.diff)).toEqual([
      { before: expect.objectContaining({ enabled: true }), after: expect.objectContaining({ enabled: false }) },
    ]);
    // The refused delete of the gateway with a payment in flight recorded nothing.
    expect((await auditsOf(primary.id)).map((r) => r.action)).not.toContain('gateway.delete');
    expect((await list()).map((g) => g.code)).not.toContain('rzp-main');
    expect((await a.request('GET', `${GATEWAYS}/${rzp.id}`, { token: admin })).status).toBe(404);
    const row = (await owner.query(`SELECT deleted_at, enabled FROM gateways WHERE id = $1`, [rzp.id])).rows[0];
    expect(row.deleted_at).toBeInstanceOf(Date);
    expect(row.enabled).toBe(false);
    // The code is free again.
    expect((await a.request('POST', GATEWAYS, { token: admin, body: razorpay({ code: 'rzp-main' }) })).status).toBe(
      201,
    );

    // A seeded gateway can go too once nothing is in flight there.
    const secondary = await byCode('sandbox-secondary');
    await eventually(async () => {
      const res = await a.request('DELETE', `${GATEWAYS}/${secondary.id}`, { token: admin });
      return res.status === 200 ? res : undefined;
    });
    expect((await list(b)).map((g) => g.code)).not.toContain('sandbox-secondary');
  });

  it('re-seals with the newest key on update; rows under the old key still read', async () => {
    const rotated = await ApiHarness.start({
      ...env,
      ENCRYPTION_KEYS: `${process.env['ENCRYPTION_KEYS']},v2:${randomBytes(32).toString('base64')}`,
    });
    try {
      const gateways = (await rotated.request('GET', GATEWAYS, { token: admin })).body.data as GatewayView[];
      expect(gateways.every((g) => g.secretsKeyVersion === 'v1')).toBe(true);
      const rzp = gateways.find((g) => g.code === 'rzp-main') as GatewayView;
      const updated = await rotated.request<GatewayView>('PUT', `${GATEWAYS}/${rzp.id}`, {
        token: admin,
        body: { name: 'Razorpay (v2 key)' },
      });
      expect(updated.body).toMatchObject({ secretsKeyVersion: 'v2', credentials: rzp.credentials });
    } finally {
      await rotated.close();
    }
  });
});

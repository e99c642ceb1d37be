import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import type { CreatedGateway, PaymentView } from '@lsp/contracts';
import { PhonePeSimulator, RazorpaySimulator, phonePeWebhookAuthorization } from '@lsp/gateways';
import { prepareDatabase } from '@lsp/persistence';
import { createLogger, loadConfig } from '@lsp/platform';
import { eventually } from '@lsp/testing';
import { ApiHarness } from '../../../test/api-harness';

const OWNER_URL = process.env['TEST_DATABASE_OWNER_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const GATEWAYS = '/api/v1/admin/gateways';

/**
 * Issue 4, "done when": no credential appears in a database dump, a log line or an API response after creation.
 * Gateway secrets go through everything that touches them — create, test connection, a payment and its webhooks,
 * a credential rotation, a refused update, the health collector's figures, audit reads, a key re-encryption
 * request — on two API processes logging at `trace`, and are then looked for everywhere.
 */
describe('gateway credentials never leak after creation', () => {
  const secrets = {
    keySecret: `rzpKeySecret${randomBytes(12).toString('hex')}`,
    rotatedSecret: `rzpRotated${randomBytes(12).toString('hex')}`,
    webhookSecret: `rzpWebhook${randomBytes(12).toString('hex')}`,
    phonepeSalt: `ppSalt${randomBytes(12).toString('hex')}`,
    phonepeClientSecret: `ppClientSecret${randomBytes(12).toString('hex')}`,
    // 8–20 characters with letters and digits (PhonePe's dashboard rule, enforced on create)
    phonepeWebhookPassword: `ppHook7${randomBytes(6).toString('hex')}`,
  };
  // PhonePe v2 authenticates its webhooks with SHA256(username:password): as good as the password to a forger.
  const phonepeWebhookAuthorization = phonePeWebhookAuthorization('lsp_leak_hook', secrets.phonepeWebhookPassword);
  const lines: string[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const responses: string[] = [];
  const env: Record<string, string> = {};
  let a: ApiHarness;
  let b: ApiHarness;
  let simulator: RazorpaySimulator;
  let phonepeSimulator: PhonePeSimulator;
  let admin: string;
  let merchantKey: string;
  const code = 'rzp-leak-check';
  const phonepeCode = 'pp-v2-leak-check';

  beforeAll(async () => {
    const url = new URL(process.env['DATABASE_URL'] ?? '');
    url.pathname = `${url.pathname}_leaks`;
    Object.assign(env, { DATABASE_URL: url.toString(), LOG_LEVEL: 'trace' });
    await prepareDatabase(loadConfig({ ...process.env, ...env }), createLogger('leaks-test', 'warn'));
    [a, b] = await Promise.all([
      ApiHarness.start(env, { logDestination: logs }),
      ApiHarness.start(env, { logDestination: logs }),
    ]);
    simulator = new RazorpaySimulator({
      keySecret: secrets.keySecret,
      webhookSecret: secrets.webhookSecret,
      webhookUrl: `${a.baseUrl}/api/v1/webhooks/gateways/${code}`,
    });
    const baseUrl = await simulator.start();
    admin = (await a.login()).accessToken;
    merchantKey = (await a.createMerchant(admin, { rateLimitPerMinute: 100000 })).apiKey.secret;
    // The create response is the one place the webhook secret is shown (and the caller sent it): not inspected.
    const created = await a.request<CreatedGateway>('POST', GATEWAYS, {
      token: admin,
      body: {
        code,
        name: 'Razorpay (leak check)',
        provider: 'razorpay',
        priority: 1,
        currencies: ['INR'],
        methods: ['card'],
        config: { baseUrl },
        credentials: { keyId: simulator.keyId, keySecret: secrets.keySecret },
        webhookSecret: secrets.webhookSecret,
      },
    });
    expect(created.status).toBe(201);
    const phonepe = await a.request('POST', GATEWAYS, {
      token: admin,
      body: {
        code: 'pp-leak-check',
        name: 'PhonePe (leak check)',
        provider: 'phonepe',
        priority: 2,
        enabled: false,
        currencies: ['INR'],
        methods: ['upi'],
        config: { mode: 'v1' },
        credentials: { merchantId: 'PPLEAKCHECK', saltKey: secrets.phonepeSalt, saltIndex: 1 },
      },
    });
    expect(phonepe.status).toBe(201);
    // PhonePe v2 (OAuth client secret, webhook username:password) takes the UPI payments: before the sandboxes.
    phonepeSimulator = new PhonePeSimulator({
      clientId: 'LSPLEAKCLIENT',
      clientSecret: secrets.phonepeClientSecret,
      webhookUsername: 'lsp_leak_hook',
      webhookPassword: secrets.phonepeWebhookPassword,
      callbackUrl: `${a.baseUrl}/api/v1/webhooks/gateways/${phonepeCode}`,
    });
    const phonepeBaseUrl = await phonepeSimulator.start();
    const phonepeV2 = await a.request('POST', GATEWAYS, {
      token: admin,
      body: {
        code: phonepeCode,
        name: 'PhonePe v2 (leak check)',
        provider: 'phonepe',
        priority: 3,
        currencies: ['INR'],
        methods: ['upi'],
        config: { baseUrl: phonepeBaseUrl },
        credentials: { clientId: 'LSPLEAKCLIENT', clientSecret: secrets.phonepeClientSecret, clientVersion: 1 },
        webhookSecret: `lsp_leak_hook:${secrets.phonepeWebhookPassword}`,
      },
    });
    expect(phonepeV2.status).toBe(201);
  });

  afterAll(async () => {
    await simulator?.stop();
    await phonepeSimulator?.stop();
    await Promise.all([a?.close(), b?.close()]);
    const root = new Client({ connectionString: OWNER_URL });
    await root.connect();
    await root.query(`DROP DATABASE IF EXISTS "${new URL(env['DATABASE_URL']).pathname.slice(1)}" WITH (FORCE)`);
    await root.end();
  });

  const call = async (api: ApiHarness, method: string, path: string, body?: unknown, token = admin) => {
    const res = await api.request(method, path, { token, body });
    responses.push(`${method} ${path} ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };

  it('uses the secrets everywhere, then finds none in responses, logs or a pg_dump', async () => {
    const gateway = (await call(b, 'GET', GATEWAYS)).body.data.find((g: { code: string }) => g.code === code);
    expect((await call(a, 'POST', `${GATEWAYS}/${gateway.id}/test`)).body).toMatchObject({ ok: true });

    // A payment through the gateway: Basic auth with the secret, a signed checkout and webhook.
    const paid = await a.request<PaymentView>('POST', '/api/v1/payments', {
      token: merchantKey,
      body: { amount: 10_000, currency: 'INR', method: 'card' },
      headers: { 'idempotency-key': `leak-${Date.now()}` },
    });
    expect(paid.status).toBe(201);
    expect(paid.body.gateway).toBe(code);
    simulator.completePayment(paid.body.gatewayReference as string, 'captured');
    await eventually(async () => {
      const p = await call(b, 'GET', `/api/v1/payments/${paid.body.id}`, undefined, merchantKey);
      return p.body.status === 'captured' ? true : undefined;
    });

    // A UPI payment through PhonePe v2: an OAuth token from the client secret, a webhook authenticated with the
    // username:password hash, confirmed by a status call; and a test connection of that gateway.
    const upi = await a.request<PaymentView>('POST', '/api/v1/payments', {
      token: merchantKey,
      body: { amount: 12_000, currency: 'INR', method: 'upi' },
      headers: { 'idempotency-key': `leak-upi-${Date.now()}` },
    });
    expect(upi.status).toBe(201);
    expect(upi.body.gateway).toBe(phonepeCode);
    const owner = new Client({ connectionString: env['DATABASE_URL'] });
    await owner.connect();
    const attemptId = (
      await owner.query(`SELECT id FROM payment_attempts WHERE payment_id = $1 ORDER BY attempt_number DESC`, [
        upi.body.id,
      ])
    ).rows[0].id as string;
    await owner.end();
    await phonepeSimulator.completePayment(attemptId, 'success');
    expect(phonepeSimulator.deliveries.map((d) => d.status)).toContain(200);
    await eventually(async () => {
      const p = await call(a, 'GET', `/api/v1/payments/${upi.body.id}`, undefined, merchantKey);
      return p.body.status === 'captured' ? true : undefined;
    });
    const phonepeGateway = (await call(a, 'GET', GATEWAYS)).body.data.find(
      (g: { code: string }) => g.code === phonepeCode,
    );
    expect((await call(b, 'POST', `${GATEWAYS}/${phonepeGateway.id}/test`)).body).toMatchObject({ ok: true });

    // A refused update that carries a secret in the wrong field, then a real rotation.
    const refused = await call(a, 'PUT', `${GATEWAYS}/${gateway.id}`, {
      credentials: { keyId: secrets.rotatedSecret, keySecret: secrets.rotatedSecret },
    });
    expect(refused.status).toBe(400);
    const rotated = await call(a, 'PUT', `${GATEWAYS}/${gateway.id}`, {
      credentials: { keyId: simulator.keyId, keySecret: secrets.rotatedSecret },
    });
    expect(rotated.status).toBe(200);
    expect((await call(b, 'POST', `${GATEWAYS}/${gateway.id}/test`)).body).toMatchObject({ ok: false });
    expect((await call(a, 'POST', `${GATEWAYS}/reencrypt`)).status).toBe(202);

    for (const api of [a, b]) {
      await call(api, 'GET', GATEWAYS);
      await call(api, 'GET', `${GATEWAYS}/${gateway.id}`);
      await call(api, 'GET', `${GATEWAYS}/health`);
      await call(api, 'GET', `${GATEWAYS}/${gateway.id}/health/history`);
      await call(api, 'GET', `/api/v1/admin/audit-logs?limit=100`);
      await call(api, 'GET', `/api/v1/admin/payments?limit=100`);
    }

    const dump = execFileSync('pg_dump', ['--data-only', '--no-owner', env['DATABASE_URL']], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    // The checks can fail: what they search is really there.
    expect(dump).toContain(gateway.id);
    expect(responses.join('\n')).toContain(gateway.id);
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.join('\n')).toContain(paid.body.id);

    const haystacks = { responses: responses.join('\n'), logs: lines.join('\n'), dump };
    expect(lines.join('\n')).toContain(upi.body.id);
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [name, secret] of Object.entries({ ...secrets, phonepeWebhookAuthorization })) {
        expect({ where, name, found: text.includes(secret) }).toEqual({ where, name, found: false });
      }
    }
  });
});

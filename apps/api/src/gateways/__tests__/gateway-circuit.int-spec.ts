import { Client } from 'pg';
import type { GatewayHealthEntry, GatewayView, ListResponse, PaymentView } from '@lsp/contracts';
import { prepareDatabase } from '@lsp/persistence';
import { createLogger, loadConfig } from '@lsp/platform';
import { Redis } from 'ioredis';
import { TcpProxy, eventually } from '@lsp/testing';
import { ApiHarness } from '../../../test/api-harness';

const OWNER_URL = process.env['TEST_DATABASE_OWNER_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const GATEWAYS = '/api/v1/admin/gateways';
const PRIMARY = 'sandbox-primary';
const SECONDARY = 'sandbox-secondary';

/**
 * The circuit breaker is shared through Redis by every API process: failures seen by one process take the gateway
 * out of routing in the other, and the gateway comes back through a single half-open trial. Runs on a database of
 * its own: it breaks the seeded sandbox gateway the other suites route through.
 */
describe('gateway circuit breaker across two API processes', () => {
  let a: ApiHarness;
  let b: ApiHarness;
  let admin: string;
  let merchantKey: string;
  let primaryId: string;
  let n = 0;
  const paid: string[] = [];
  const env: Record<string, string> = {};

  beforeAll(async () => {
    const url = new URL(process.env['DATABASE_URL'] ?? '');
    url.pathname = `${url.pathname}_circuit`;
    Object.assign(env, {
      DATABASE_URL: url.toString(),
      REDIS_PREFIX: `${process.env['REDIS_PREFIX']}-circuit`,
      SANDBOX_CALLBACK_DELAY: '50ms',
      CIRCUIT_FAILURE_THRESHOLD: '2',
      CIRCUIT_COOLDOWN: '1s',
    });
    await prepareDatabase(loadConfig({ ...process.env, ...env }), createLogger('circuit-test', 'warn'));
    [a, b] = await Promise.all([ApiHarness.start(env), ApiHarness.start(env)]);
    admin = (await a.login()).accessToken;
    merchantKey = (await a.createMerchant(admin, { rateLimitPerMinute: 100000 })).apiKey.secret;
    const list = await a.request<ListResponse<GatewayView>>('GET', GATEWAYS, { token: admin });
    primaryId = list.body.data.find((g) => g.code === PRIMARY)?.id as string;
  });

  afterAll(async () => {
    // Every sandbox callback delivered first: a server closing under an arriving callback waits out its keep-alive.
    await eventually(async () => {
      const open = await Promise.all(
        paid.map(
          async (id) => (await a.request<PaymentView>('GET', `/api/v1/payments/${id}`, { token: merchantKey })).body,
        ),
      );
      return open.every((p) => p.status !== 'pending') ? true : undefined;
    });
    await Promise.all([a?.close(), b?.close()]);
    const root = new Client({ connectionString: OWNER_URL });
    await root.connect();
    await root.query(`DROP DATABASE IF EXISTS "${new URL(env['DATABASE_URL']).pathname.slice(1)}" WITH (FORCE)`);
    await root.end();
  });

  const pay = async (api: ApiHarness, amount = 10_000): Promise<PaymentView> => {
    const res = await api.request<PaymentView>('POST', '/api/v1/payments', {
      token: merchantKey,
      body: { amount, currency: 'INR', method: 'upi' },
      headers: { 'idempotency-key': `circuit-${Date.now()}-${n++}` },
    });
    expect(res.status).toBe(201);
    paid.push(res.body.id);
    return res.body;
  };
  const setPrimaryConfig = async (config: Record<string, unknown>) => {
    const res = await a.request('PUT', `${GATEWAYS}/${primaryId}`, { token: admin, body: { config } });
    expect(res.status).toBe(200);
  };
  const circuitOf = async (api: ApiHarness): Promise<GatewayHealthEntry['circuit']> => {
    const res = await api.request<ListResponse<GatewayHealthEntry>>('GET', `${GATEWAYS}/health`, { token: admin });
    return res.body.data.find((h) => h.id === primaryId)?.circuit ?? null;
  };

  it('routes around a failing gateway in both processes once one has seen it fail, and brings it back half-open', async () => {
    expect(await circuitOf(b)).toBe('closed');
    // A fault at the gateway: every call refused before acceptance.
    await setPrimaryConfig({ mode: 'down' });

    // Process A pays twice: each payment fails over from the primary (refused) to the secondary.
    for (let i = 0; i < 2; i++) {
      const p = await pay(a);
      expect(p.attempts.map((t) => [t.gateway, t.status])).toEqual([
        [PRIMARY, 'failed_retryable'],
        [SECONDARY, 'pending'],
      ]);
    }

    // Process B never saw a failure, yet skips the primary at once: the circuit is shared.
    const started = Date.now();
    const routed = await pay(b);
    expect(routed.attempts).toHaveLength(1);
    expect(routed.gateway).toBe(SECONDARY);
    expect(routed.attempts[0].routing.candidates).toContainEqual(
      expect.objectContaining({ code: PRIMARY, skipped: expect.stringContaining('circuit open') }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await circuitOf(b)).toBe('open');
    expect((await pay(a)).attempts.map((t) => t.gateway)).toEqual([SECONDARY]);

    // Still failing after the cool-down: the one trial fails and the circuit opens again.
    await eventually(async () => ((await circuitOf(a)) === 'half_open' ? true : undefined), 5000, 100);
    const trial = await pay(b);
    expect(trial.attempts.map((t) => [t.gateway, t.status])).toEqual([
      [PRIMARY, 'failed_retryable'],
      [SECONDARY, 'pending'],
    ]);
    expect(await circuitOf(a)).toBe('open');

    // The gateway recovers (slowly, so the trial is still running while the others arrive).
    await setPrimaryConfig({ latencyMs: 600 });
    await eventually(async () => ((await circuitOf(a)) === 'half_open' ? true : undefined), 5000, 100);
    const burst = await Promise.all([a, b, a, b, a, b].map((api) => pay(api)));
    const firstAttempts = burst.map((p) => p.attempts[0].gateway);
    // Exactly one payment was let through as the trial; the rest went on routing around the gateway.
    expect(firstAttempts.filter((g) => g === PRIMARY)).toHaveLength(1);
    expect(burst.every((p) => p.attempts.length === 1 && p.status !== 'failed')).toBe(true);

    // The successful trial closed the circuit for both processes.
    expect(await circuitOf(b)).toBe('closed');
    await setPrimaryConfig({});
    expect((await pay(a)).attempts.map((t) => t.gateway)).toEqual([PRIMARY]);
    expect((await pay(b)).attempts.map((t) => t.gateway)).toEqual([PRIMARY]);
  });

  it('fails open: a process that cannot reach Redis routes as if every circuit were closed', async () => {
    const proxy = new TcpProxy('127.0.0.1', 6379);
    const port = await proxy.start();
    const c = await ApiHarness.start({ ...env, REDIS_URL: `redis://127.0.0.1:${port}` });
    const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
    const key = `${env['REDIS_PREFIX']}:circuit:${primaryId}`;
    try {
      // Opened for a minute, as another process would leave it.
      const now = Date.now();
      await redis.set(
        key,
        JSON.stringify({ phase: 'open', failures: 0, lastFailureAt: now, openUntil: now + 60_000, trialUntil: null }),
      );
      expect((await pay(c)).attempts.map((t) => t.gateway)).toEqual([SECONDARY]);
      await proxy.cut();
      const duringOutage = await pay(c);
      expect(duringOutage.attempts.map((t) => [t.gateway, t.status])).toEqual([[PRIMARY, 'pending']]);
      await proxy.restore();
      await eventually(async () => ((await circuitOf(c)) === 'open' ? true : undefined), 5000, 100);
    } finally {
      await redis.del(key);
      redis.disconnect();
      await eventually(async () => {
        const p = (
          await c.request<PaymentView>('GET', `/api/v1/payments/${paid[paid.length - 1]}`, { token: merchantKey })
        ).body;
        return p.status !== 'pending' ? true : undefined;
      });
      await c.close();
      await proxy.cut();
    }
  });
});

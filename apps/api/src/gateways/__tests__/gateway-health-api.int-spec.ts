import { Queue } from 'bullmq';
import { Client } from 'pg';
import type {
  GatewayHealthEntry,
  GatewayHealthHistory,
  GatewayReencryptRequested,
  GatewayView,
  ListResponse,
} from '@lsp/contracts';
import { bullConnection, bullPrefix } from '@lsp/queues';
import { ApiHarness, expectError } from '../../../test/api-harness';

const GATEWAYS = '/api/v1/admin/gateways';

/**
 * The health side of the gateways API: current health with the circuit on every view, the history the console
 * charts (from the collector's samples), and the audited request to re-encrypt secrets after a key rotation.
 */
describe('gateway health API', () => {
  let api: ApiHarness;
  let owner: Client;
  let admin: string;
  let sre: string;
  let gatewayId: string;

  beforeAll(async () => {
    api = await ApiHarness.start();
    owner = new Client({ connectionString: process.env['DATABASE_URL'] });
    await owner.connect();
    admin = (await api.login()).accessToken;
    const sreUser = await api.createUser(admin, ['sre']);
    sre = (await api.login(sreUser.email, sreUser.password)).accessToken;
    // A gateway of this suite's own (disabled, so no other suite's payments route to it).
    const created = await api.request('POST', GATEWAYS, {
      token: admin,
      body: {
        code: `health-${Date.now().toString(36)}`,
        name: 'Health history',
        provider: 'sandbox',
        priority: 90_000,
        enabled: false,
        currencies: ['INR'],
        methods: ['upi'],
      },
    });
    expect(created.status).toBe(201);
    gatewayId = created.body.id;
  });

  afterAll(async () => {
    await owner?.end();
    await api?.close();
  });

  /** A sample as the collector writes it, `minutesAgo` before now. */
  const sample = (minutesAgo: number, status: string, successRate: number | null, failures = 0, probeError?: string) =>
    owner.query(
      `INSERT INTO gateway_health_samples (gateway_id, at, status, success_rate, p95_latency_ms, attempts, failures,
                                           probe_ok, probe_latency_ms, probe_error)
       VALUES ($1, now() - make_interval(mins => $2), $3, $4, 120, 10, $5, $6, 15, $7)`,
      [gatewayId, minutesAgo, status, successRate, failures, !probeError, probeError ?? null],
    );

  it('shows health with the circuit and the collector figures on every gateway view', async () => {
    const health = await api.request<ListResponse<GatewayHealthEntry>>('GET', `${GATEWAYS}/health`, { token: sre });
    expect(health.status).toBe(200);
    expect(health.body.data.find((h) => h.id === gatewayId)).toEqual({
      id: gatewayId,
      code: expect.any(String),
      status: 'healthy',
      successRate: null,
      p95LatencyMs: null,
      attempts: 0,
      circuit: 'closed',
      checkedAt: null,
    });
    // Once the collector has checked it, its figures are shown.
    await owner.query(
      `UPDATE gateways SET health_status = 'degraded', health_checked_at = now(), health_success_rate = 0.8,
              health_p95_latency_ms = 250, health_attempts = 20 WHERE id = $1`,
      [gatewayId],
    );
    const view = await api.request<GatewayView>('GET', `${GATEWAYS}/${gatewayId}`, { token: admin });
    expect(view.body.health).toMatchObject({
      status: 'degraded',
      successRate: 0.8,
      p95LatencyMs: 250,
      attempts: 20,
      circuit: 'closed',
    });
    expect(typeof view.body.health.checkedAt).toBe('string');
  });

  it('answers the last 24 h of samples by default, oldest first', async () => {
    await sample(60 * 25, 'down', 0, 10, 'timeout');
    await sample(30, 'degraded', 0.5, 5, 'gateway_unavailable');
    await sample(10, 'healthy', 1);
    const res = await api.request<GatewayHealthHistory>('GET', `${GATEWAYS}/${gatewayId}/health/history`, {
      token: sre,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.map((p) => [p.status, p.successRate, p.failures, p.probeError])).toEqual([
      ['degraded', 0.5, 5, 'gateway_unavailable'],
      ['healthy', 1, 0, null],
    ]);
    expect(res.body.data[0]).toMatchObject({ attempts: 10, p95LatencyMs: 120, probeLatencyMs: 15 });
    expect(Date.parse(res.body.data[0].at)).toBeLessThan(Date.parse(res.body.data[1].at));
  });

  it('answers a chosen range, and folds a long one into chart-sized buckets with the worst of each', async () => {
    const from = new Date(Date.now() - 26 * 3600_000).toISOString();
    const to = new Date(Date.now() - 20 * 60_000).toISOString();
    const ranged = await api.request<GatewayHealthHistory>(
      'GET',
      `${GATEWAYS}/${gatewayId}/health/history?from=${from}&to=${to}`,
      { token: admin },
    );
    expect(ranged.body.data.map((p) => p.status)).toEqual(['down', 'degraded']);
    // 31 days in at most 1440 points: 31-minute buckets, so the samples 30 and 10 minutes ago may share one.
    await sample(9, 'down', 0.2, 8, 'timeout');
    await sample(8, 'healthy', 1);
    const month = await api.request<GatewayHealthHistory>(
      'GET',
      `${GATEWAYS}/${gatewayId}/health/history?from=${new Date(Date.now() - 31 * 24 * 3600_000 + 60_000).toISOString()}`,
      { token: admin },
    );
    expect(month.status).toBe(200);
    const recent = month.body.data.filter((p) => Date.parse(p.at) > Date.now() - 3600_000);
    expect(recent.length).toBeLessThan(4);
    // The bucket holding the samples 9 and 8 minutes ago reports the worst: down, 0.2, the timeout.
    expect(recent.some((p) => p.status === 'down' && p.successRate === 0.2 && p.probeError === 'timeout')).toBe(true);
  });

  it.each([
    ['from=yesterday', 'from'],
    ['to=2026-13-45T00:00:00Z', 'to'],
    [`from=${new Date().toISOString()}&to=${new Date(Date.now() - 1000).toISOString()}`, 'from'],
    [`from=2020-01-01T00:00:00Z&to=2021-01-01T00:00:00Z`, 'from'],
    ['limit=5', 'limit'],
  ])('refuses ?%s naming %s', async (query, param) => {
    const res = await api.request('GET', `${GATEWAYS}/${gatewayId}/health/history?${query}`, { token: admin });
    expectError(res, 400, 'invalid_request_error', param);
  });

  it('answers 404 for an unknown or malformed gateway id', async () => {
    expectError(
      await api.request('GET', `${GATEWAYS}/gw_00000000000000000000000000/health/history`, { token: admin }),
      404,
      'not_found',
    );
    expectError(await api.request('GET', `${GATEWAYS}/nope/health/history`, { token: admin }), 404, 'not_found');
  });

  it('queues the re-encryption job on request, audited; sre may not', async () => {
    expectError(await api.request('POST', `${GATEWAYS}/reencrypt`, { token: sre }), 403, 'permission_error');
    const res = await api.request<GatewayReencryptRequested>('POST', `${GATEWAYS}/reencrypt`, { token: admin });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ jobId: expect.any(String), queue: 'gateways', keyVersion: 'v1', pending: 0 });
    const queue = new Queue('gateways', {
      connection: bullConnection(api.config, 'test'),
      prefix: bullPrefix(api.config),
    });
    try {
      const job = await queue.getJob(res.body.jobId);
      expect(job?.name).toBe('reencrypt-gateway-secrets');
      expect(job?.data).toMatchObject({ trigger: 'manual', requestedBy: expect.stringMatching(/^usr_/) });
      await job?.remove();
    } finally {
      await queue.close();
    }
    const audit = await owner.query(
      `SELECT actor_id, diff FROM audit_logs WHERE action = 'gateway.reencrypt' AND diff::text LIKE $1`,
      [`%${res.body.jobId}%`],
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].actor_id).toMatch(/^usr_/);
  });
});

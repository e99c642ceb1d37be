import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { eventually } from '@lsp/testing';
import { ApiHarness, expectError } from '../../../test/api-harness';
import { TcpProxy } from '@lsp/testing';

describe('health, metrics, OpenAPI and HTTP conventions', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start();
  });
  afterAll(() => api.close());

  it('answers live and ready', async () => {
    expect((await api.request('GET', '/health/live')).body).toEqual({ status: 'ok' });
    const ready = await api.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details).toMatchObject({
      database: { status: 'up' },
      redis: { status: 'up' },
      migrations: { status: 'up' },
    });
  });

  it('echoes a valid X-Request-Id and mints one otherwise', async () => {
    expect(
      (await api.request('GET', '/health/live', { headers: { 'x-request-id': 'abc-123' } })).headers.get(
        'x-request-id',
      ),
    ).toBe('abc-123');
    const minted = (
      await api.request('GET', '/health/live', { headers: { 'x-request-id': 'bad id with spaces' } })
    ).headers.get('x-request-id');
    expect(minted).toMatch(/^req_[0-9A-Z]{26}$/);
  });

  it('sets security headers', async () => {
    const res = await api.request('GET', '/health/live');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('exposes Prometheus metrics with the request-duration histogram by route', async () => {
    await api.request('GET', '/health/live');
    const res = await api.request<string>('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toContain('lsp_http_request_duration_seconds_bucket');
    expect(res.body).toMatch(/route="\/health\/live",status_code="200"/);
    expect(res.body).toContain('lsp_process_cpu_user_seconds_total');
  });

  it('serves an OpenAPI document describing every route and DTO', async () => {
    const res = await api.request('GET', '/api/docs-json');
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/api/v1/auth/login',
      '/api/v1/auth/refresh',
      '/api/v1/auth/logout',
      '/api/v1/admin/merchants',
      '/api/v1/admin/merchants/{id}',
      '/api/v1/admin/users',
      '/api/v1/admin/audit-logs',
      '/api/v1/merchant/credentials',
      '/health/ready',
    ]) {
      expect(paths).toContain(p);
    }
    expect(res.body.components.schemas.CreateMerchantDto.properties).toHaveProperty('settlementSchedule');
    expect(res.body.components.schemas.CreateMerchantDto.required).toEqual(expect.arrayContaining(['name', 'email']));
    expect((await api.request('GET', '/api/docs')).status).toBe(200);
  });

  it('answers unknown routes with the 404 error object', async () => {
    expectError(await api.request('GET', '/api/v1/nope'), 404, 'not_found');
    expectError(await api.request('DELETE', '/api/v1/auth/login'), 404, 'not_found');
  });

  it('rejects a body that is too large or of the wrong type without a 500', async () => {
    const big = await api.request('POST', '/api/v1/auth/login', {
      rawBody: JSON.stringify({ email: 'a@b.in', password: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(big.body.error.type).toBe('invalid_request_error');
    const xml = await api.request('POST', '/api/v1/auth/login', {
      rawBody: '<login/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(xml.status).toBe(415);
    expect(xml.body.error.type).toBe('invalid_request_error');
  });
});

describe('dependency outages while running', () => {
  const redisPort = 46_000 + Math.floor(Math.random() * 1000);
  let redis: ChildProcess | null = null;
  const pgProxy = new TcpProxy('127.0.0.1', 5432);
  let api: ApiHarness;

  const startRedis = async (): Promise<void> => {
    redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await eventually(
      () =>
        new Promise<true | undefined>((resolve) => {
          const s = net.connect(redisPort, '127.0.0.1', () => {
            s.destroy();
            resolve(true);
          });
          s.on('error', () => resolve(undefined));
        }),
      5000,
    );
  };
  const stopRedis = async (): Promise<void> => {
    const proc = redis;
    redis = null;
    if (!proc) return;
    await new Promise((resolve) => {
      proc.once('exit', resolve);
      proc.kill('SIGKILL');
    });
  };

  beforeAll(async () => {
    await startRedis();
    const pgPort = await pgProxy.start();
    const dbUrl = new URL(process.env['DATABASE_URL'] as string);
    dbUrl.port = String(pgPort);
    api = await ApiHarness.start({ REDIS_URL: `redis://127.0.0.1:${redisPort}`, DATABASE_URL: dbUrl.toString() });
  });
  afterAll(async () => {
    await api.close();
    await stopRedis();
    await pgProxy.cut();
  });

  it('reports Redis down as 503 on ready and on requests that need it, then recovers by itself', async () => {
    await stopRedis();
    const ready = await eventually(async () => {
      const r = await api.request('GET', '/health/ready');
      return r.status === 503 ? r : undefined;
    });
    expect(ready.body.error.redis.status).toBe('down');
    const login = await api.request('POST', '/api/v1/auth/login', {
      body: { email: 'a@b.in', password: 'whatever-it-is' },
    });
    expectError(login, 503, 'api_error');
    expect(JSON.stringify(login.body)).not.toMatch(/ECONNREFUSED|stack|redis:\/\//i);

    await startRedis();
    await eventually(
      async () => ((await api.request('GET', '/health/ready')).status === 200 ? true : undefined),
      15_000,
    );
    expect((await api.login()).accessToken).toBeTruthy();
  });

  it('reports PostgreSQL down as 503 on ready and on requests that need it, then recovers by itself', async () => {
    const token = (await api.login()).accessToken;
    await pgProxy.cut();
    await eventually(async () => ((await api.request('GET', '/health/ready')).status === 503 ? true : undefined));
    const list = await api.request('GET', '/api/v1/admin/merchants', { token });
    expectError(list, 503, 'api_error');
    expect(JSON.stringify(list.body)).not.toMatch(/SELECT|ECONNREFUSED|stack/i);

    await pgProxy.restore();
    await eventually(
      async () => ((await api.request('GET', '/health/ready')).status === 200 ? true : undefined),
      15_000,
    );
    expect((await api.request('GET', '/api/v1/admin/merchants', { token })).status).toBe(200);
  });
});

describe('production HTTP edge', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start({
      NODE_ENV: 'production',
      TRUST_PROXY: 'true',
      CORS_ORIGINS: 'https://console.example.com',
    });
  });
  afterAll(() => api.close());

  it('redirects plain-HTTP requests behind a TLS proxy to HTTPS', async () => {
    const res = await fetch(`${api.baseUrl}/api/v1/admin/merchants?limit=1`, {
      headers: { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'pay.example.com' },
      redirect: 'manual',
    });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('https://pay.example.com/api/v1/admin/merchants?limit=1');
    expect((await api.request('GET', '/health/live', { headers: { 'x-forwarded-proto': 'https' } })).status).toBe(200);
  });

  it('allows CORS only for configured origins', async () => {
    const allowed = await api.request('OPTIONS', '/api/v1/auth/login', {
      headers: {
        origin: 'https://console.example.com',
        'access-control-request-method': 'POST',
        'x-forwarded-proto': 'https',
      },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    const refused = await api.request('GET', '/health/live', {
      headers: { origin: 'https://evil.example', 'x-forwarded-proto': 'https' },
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('start-up with a dependency down', () => {
  it('fails with one clear message naming Redis', async () => {
    await expect(ApiHarness.start({ REDIS_URL: 'redis://127.0.0.1:1' })).rejects.toThrow(
      /^Redis is not reachable at redis:\/\/127\.0\.0\.1:1/,
    );
  });
  it('fails with one clear message naming PostgreSQL', async () => {
    await expect(ApiHarness.start({ APP_DATABASE_URL: 'postgres://lsp_app@127.0.0.1:1/nothing' })).rejects.toThrow(
      /^PostgreSQL is not reachable/,
    );
  });
});

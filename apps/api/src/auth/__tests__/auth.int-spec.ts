import { createHmac } from 'node:crypto';
import type { TokenPair } from '@lsp/contracts';
import { TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD } from '@lsp/testing';
import { ApiHarness, expectError } from '../../../test/api-harness';

const b64url = (v: object | string): string =>
  Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

describe('authentication (API.md §3)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start();
  });
  afterAll(() => api.close());

  it('logs in and returns tokens and the user', async () => {
    const res = await api.request<TokenPair>('POST', '/api/v1/auth/login', {
      body: { email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(res.body.expiresIn).toBe(900);
    expect(res.body.user).toMatchObject({ email: TEST_ADMIN_EMAIL, roles: ['admin'] });
    expect(res.body.user.id).toMatch(/^usr_/);
    const me = await api.request('GET', '/api/v1/auth/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(TEST_ADMIN_EMAIL);
  });

  it('answers an unknown user and a wrong password with the same error', async () => {
    const wrong = await api.request('POST', '/api/v1/auth/login', {
      body: { email: TEST_ADMIN_EMAIL, password: 'not-the-password' },
    });
    const unknown = await api.request('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@test.local', password: 'not-the-password' },
    });
    expectError(wrong, 401, 'authentication_error');
    expectError(unknown, 401, 'authentication_error');
    expect(unknown.body.error.code).toBe(wrong.body.error.code);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  it('rate-limits login attempts per email with Retry-After', async () => {
    const api = await ApiHarness.start({
      LOGIN_MAX_PER_EMAIL: '10',
      REDIS_PREFIX: `${process.env['REDIS_PREFIX']}_email`,
    });
    try {
      const email = 'bruteforce-target@test.local';
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        statuses.push(
          (await api.request('POST', '/api/v1/auth/login', { body: { email, password: `guess-${i}` } })).status,
        );
      }
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      const limited = await api.request('POST', '/api/v1/auth/login', { body: { email, password: 'another' } });
      expectError(limited, 429, 'rate_limit_error');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another email from the same client is still served: the per-email bucket is the one that filled.
      expect(
        (
          await api.request('POST', '/api/v1/auth/login', {
            body: { email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD },
          })
        ).status,
      ).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('refuses a forged alg:none token, a foreign signature and garbage', async () => {
    const { accessToken } = await api.login();
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    expectError(await api.request('GET', '/api/v1/admin/merchants', { token: none }), 401, 'authentication_error');

    const header = b64url({ alg: 'HS256', typ: 'JWT' });
    const body = b64url({ ...claims, roles: ['admin'] });
    const foreign = `${header}.${body}.${createHmac('sha256', 'someone-elses-secret-of-enough-length').update(`${header}.${body}`).digest('base64url')}`;
    expectError(await api.request('GET', '/api/v1/admin/merchants', { token: foreign }), 401, 'authentication_error');

    const expired = signWith(api.config.jwtSecret, { ...claims, exp: Math.floor(Date.now() / 1000) - 10 });
    expectError(await api.request('GET', '/api/v1/admin/merchants', { token: expired }), 401, 'authentication_error');

    expectError(await api.request('GET', '/api/v1/admin/merchants', { token: 'garbage' }), 401, 'authentication_error');
    // The genuine token still works, so the refusals above are about the forgeries.
    expect((await api.request('GET', '/api/v1/admin/merchants', { token: accessToken })).status).toBe(200);
  });

  it('rotates refresh tokens; reusing a rotated one revokes the whole family', async () => {
    const first = await api.login();
    const second = await api.request<TokenPair>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    const third = await api.request<TokenPair>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: second.body.refreshToken },
    });
    expect(third.status).toBe(200);

    // The first token comes back (stolen copy): refused, and everything descended from it dies with it.
    const reuse = await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expectError(reuse, 401, 'authentication_error');
    expect(reuse.body.error.code).toBe('refresh_token_reused');
    expectError(
      await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: third.body.refreshToken } }),
      401,
      'authentication_error',
    );
    expectError(
      await api.request('GET', '/api/v1/auth/me', { token: third.body.accessToken }),
      401,
      'authentication_error',
    );

    // Other sessions of the same user are untouched.
    const other = await api.login();
    expect((await api.request('GET', '/api/v1/auth/me', { token: other.accessToken })).status).toBe(200);
  });

  it('lets only one of two concurrent refreshes of the same token through', async () => {
    const { refreshToken } = await api.login();
    const results = await Promise.all(
      [1, 2].map(() => api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('logout ends the session: its refresh and access tokens stop working', async () => {
    const pair = await api.login();
    const out = await api.request('POST', '/api/v1/auth/logout', { token: pair.accessToken, body: {} });
    expect(out.status).toBe(204);
    expectError(await api.request('GET', '/api/v1/auth/me', { token: pair.accessToken }), 401, 'authentication_error');
    expectError(
      await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: pair.refreshToken } }),
      401,
      'authentication_error',
    );
  });

  it('validates login input: 400 naming the field', async () => {
    expectError(
      await api.request('POST', '/api/v1/auth/login', { body: { email: 'not-an-email', password: 'x' } }),
      400,
      'invalid_request_error',
      'email',
    );
    expectError(
      await api.request('POST', '/api/v1/auth/login', { body: { email: TEST_ADMIN_EMAIL } }),
      400,
      'invalid_request_error',
      'password',
    );
    expectError(
      await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: 42 } }),
      400,
      'invalid_request_error',
      'refreshToken',
    );
  });
});

function signWith(secret: string, claims: object): string {
  const header = b64url({ alg: 'HS256', typ: 'JWT' });
  const body = b64url(claims);
  return `${header}.${body}.${createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url')}`;
}

describe('login rate limit per IP', () => {
  it('refuses a client IP past LOGIN_MAX_PER_IP attempts per minute, whatever the email', async () => {
    const api = await ApiHarness.start({ LOGIN_MAX_PER_IP: '3', REDIS_PREFIX: `${process.env['REDIS_PREFIX']}_ip` });
    try {
      for (let i = 0; i < 3; i++) {
        expect(
          (await api.request('POST', '/api/v1/auth/login', { body: { email: `u${i}@test.local`, password: 'nope' } }))
            .status,
        ).toBe(401);
      }
      const limited = await api.request('POST', '/api/v1/auth/login', {
        body: { email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD },
      });
      expectError(limited, 429, 'rate_limit_error');
      expect(limited.headers.get('ratelimit-limit')).toBe('3');
    } finally {
      await api.close();
    }
  });
});

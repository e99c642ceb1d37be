import { ConfigError, loadConfig } from './config';
import { parseDuration } from './duration';

describe('loadConfig', () => {
  it('serves a developer machine with no environment at all', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.workersHealthPort).toBe(3001);
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/lightspeedpay');
    expect(c.appDatabaseUrl).toBe('postgres://lsp_app@127.0.0.1:5432/lightspeedpay');
    expect(c.redisPrefix).toBe('lsp');
    expect(c.webhookRetryScheduleMs).toEqual([0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000]);
    expect(c.stalePaymentAfterMs).toBe(900000);
    expect(c.sandboxCallbackDelayMs).toBe(300);
    expect(c.webhookAllowPrivateTargets).toBe(true);
    expect(c.generated).toEqual(['JWT_SECRET', 'ENCRYPTION_KEYS']);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'ENCRYPTION_KEYS'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ ENCRYPTION_KEYS: 'v1:c2hvcnQ=' }, 'ENCRYPTION_KEYS'],
    [{ WEBHOOK_RETRY_SCHEDULE: '0,5x' }, 'WEBHOOK_RETRY_SCHEDULE'],
    [{ STALE_PAYMENT_AFTER: 'soon' }, 'STALE_PAYMENT_AFTER'],
    [{ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes' }, 'WEBHOOK_ALLOW_PRIVATE_TARGETS'],
    [{ CORS_ORIGINS: 'console.example.com' }, 'CORS_ORIGINS'],
    [{ BOOTSTRAP_ADMIN_PASSWORD: 'short' }, 'BOOTSTRAP_ADMIN_PASSWORD'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (e) {
      expect((e as ConfigError).variable).toBe(variable);
      expect((e as Error).message.startsWith(`${variable}: `)).toBe(true);
    }
  });

  it('defaults private webhook targets off in production', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const c = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      ENCRYPTION_KEYS: `v1:${key},v2:${key}`,
    });
    expect(c.webhookAllowPrivateTargets).toBe(false);
    expect(c.encryptionKeys.map((k) => k.version)).toEqual(['v1', 'v2']);
    expect(c.generated).toEqual([]);
  });

  it('reads the settlement settings and refuses absurd ones', () => {
    const c = loadConfig({});
    expect(c.settlementPollEveryMs).toBe(5000);
    expect(c.settlementSchedules).toBe(true);
    expect(c.settlementBatchSize).toBe(5000);
    expect(c.settlementRunLeaseMs).toBe(60000);
    for (const [env, variable] of [
      [{ SETTLEMENT_POLL_EVERY: '10ms' }, 'SETTLEMENT_POLL_EVERY'],
      [{ SETTLEMENT_BATCH_SIZE: '0' }, 'SETTLEMENT_BATCH_SIZE'],
      [{ SETTLEMENT_RUN_LEASE: '500ms' }, 'SETTLEMENT_RUN_LEASE'],
      [{ SETTLEMENT_SCHEDULES: 'maybe' }, 'SETTLEMENT_SCHEDULES'],
    ] as const) {
      expect(() => loadConfig(env)).toThrow(`${variable}: `);
    }
  });
});

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['300ms', 300],
    ['5s', 5000],
    ['15m', 900000],
    ['2h', 7200000],
    ['5', null],
    ['-1s', null],
    ['1.5s', null],
  ])('%s → %s', (text, ms) => expect(parseDuration(text)).toBe(ms));
});

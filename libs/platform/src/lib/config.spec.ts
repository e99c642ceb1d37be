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

  it('reads the gateway health and circuit breaker settings, refusing zero durations', () => {
    const c = loadConfig({});
    expect([c.gatewayHealthIntervalMs, c.gatewayHealthWindowMs]).toEqual([10_000, 300_000]);
    expect([c.circuitFailureThreshold, c.circuitCooldownMs]).toEqual([5, 30_000]);
    const tuned = loadConfig({ GATEWAY_HEALTH_INTERVAL: '2s', CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_COOLDOWN: '1s' });
    expect([tuned.gatewayHealthIntervalMs, tuned.circuitFailureThreshold, tuned.circuitCooldownMs]).toEqual([
      2000, 2, 1000,
    ]);
    for (const [name, value] of [
      ['GATEWAY_HEALTH_INTERVAL', '0'],
      ['GATEWAY_HEALTH_WINDOW', 'soon'],
      ['CIRCUIT_FAILURE_THRESHOLD', '0'],
      ['CIRCUIT_COOLDOWN', '0'],
    ]) {
      expect(() => loadConfig({ [name]: value })).toThrow(`${name}: `);
    }
  });
});

describe('loadConfig: settlements', () => {
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

describe('loadConfig: workers', () => {
  it('keeps the CPU priority a worker was started with unless WORKER_NICE (0–19) asks for a lower one', () => {
    expect(loadConfig({}).workerNice).toBe(0);
    expect(loadConfig({ WORKER_NICE: '10' }).workerNice).toBe(10);
    for (const value of ['-1', '20', 'low']) {
      expect(() => loadConfig({ WORKER_NICE: value })).toThrow('WORKER_NICE: ');
    }
  });
});

describe('loadConfig: ledger', () => {
  it('batches ledger postings for 5 ms, at most 32 per transaction, and refuses absurd settings', () => {
    const c = loadConfig({});
    expect(c.ledgerBatchWindowMs).toBe(5);
    expect(c.ledgerBatchMax).toBe(32);
    expect(loadConfig({ LEDGER_BATCH_WINDOW: '0ms', LEDGER_BATCH_MAX: '1' })).toMatchObject({
      ledgerBatchWindowMs: 0,
      ledgerBatchMax: 1,
    });
    for (const [env, variable] of [
      [{ LEDGER_BATCH_WINDOW: '2s' }, 'LEDGER_BATCH_WINDOW'],
      [{ LEDGER_BATCH_WINDOW: 'soon' }, 'LEDGER_BATCH_WINDOW'],
      [{ LEDGER_BATCH_MAX: '0' }, 'LEDGER_BATCH_MAX'],
      [{ LEDGER_BATCH_MAX: '65' }, 'LEDGER_BATCH_MAX'],
    ] as const) {
      expect(() => loadConfig(env)).toThrow(`${variable}: `);
    }
  });
});

describe('loadConfig: webhooks and developer tools', () => {
  it('defaults to a 15 s delivery timeout, 5 days before disabling, 24 h rotation grace', () => {
    const c = loadConfig({});
    expect(c.webhookTimeoutMs).toBe(15_000);
    expect(c.webhookDisableAfterMs).toBe(5 * 86_400_000);
    expect(c.webhookSecretRotationGraceMs).toBe(86_400_000);
    expect(c.apiKeyRotationGraceMs).toBe(86_400_000);
    expect(c.webhookMaxEndpoints).toBe(16);
    expect(c.webhookEndpointConcurrency).toBe(10);
    expect(c.webhookMerchantConcurrency).toBe(20);
    expect(c.webhookRetryScheduleMs).toEqual([
      0, 5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
  });

  it.each([
    ['WEBHOOK_TIMEOUT', 'soon'],
    ['WEBHOOK_DISABLE_AFTER', '5 days'],
    ['WEBHOOK_MAX_ENDPOINTS', '0'],
    ['WEBHOOK_ENDPOINT_CONCURRENCY', 'many'],
    ['WEBHOOK_MERCHANT_CONCURRENCY', '0'],
    ['API_KEY_ROTATION_GRACE', '-1h'],
    ['WEBHOOK_RETRY_SCHEDULE', '0,5x'],
  ])('refuses %s=%s naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}: `));
  });
});

describe('loadConfig: operations monitoring', () => {
  it('defaults the samplers and thresholds', () => {
    const c = loadConfig({});
    expect(c.monitorIntervalMs).toBe(5000);
    expect(c.workerStaleAfterMs).toBe(15000);
    expect(c.queueBacklogWarn).toBe(1000);
    expect(c.outboxLagWarnMs).toBe(30000);
  });

  it.each([
    [{ MONITOR_INTERVAL: '10ms' }, 'MONITOR_INTERVAL'],
    [{ MONITOR_INTERVAL: 'often' }, 'MONITOR_INTERVAL'],
    [{ WORKER_STALE_AFTER: '0' }, 'WORKER_STALE_AFTER'],
    [{ WORKER_STALE_AFTER: '5s' }, 'WORKER_STALE_AFTER'],
    [{ QUEUE_BACKLOG_WARN: '-5' }, 'QUEUE_BACKLOG_WARN'],
    [{ OUTBOX_LAG_WARN: '1ms' }, 'OUTBOX_LAG_WARN'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(`${variable}: `);
  });
});

describe('loadConfig: alert manager and data retention', () => {
  it('defaults to no webhook channel, the log channel, and retention in days', () => {
    const c = loadConfig({});
    expect(c.alertWebhookUrl).toBeNull();
    expect(c.alertLogChannel).toBe(true);
    expect(c.alertFailedTxRatePercent).toBe(20);
    expect(c.retentionEventsMs).toBe(30 * 86_400_000);
    expect(c.retentionResolvedAlertsMs).toBe(90 * 86_400_000);
  });

  it.each([
    [{ ALERT_WEBHOOK_URL: 'ftp://chat.example.com/hook' }, 'ALERT_WEBHOOK_URL'],
    [{ ALERT_FAILED_TX_RATE: '0' }, 'ALERT_FAILED_TX_RATE'],
    [{ ALERT_FAILED_TX_RATE: '101' }, 'ALERT_FAILED_TX_RATE'],
    [{ ALERT_LOG_CHANNEL: 'maybe' }, 'ALERT_LOG_CHANNEL'],
    [{ RETENTION_EVENTS: 'a month' }, 'RETENTION_EVENTS'],
    [{ RETENTION_BATCH_SIZE: '0' }, 'RETENTION_BATCH_SIZE'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(`${variable}: `);
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

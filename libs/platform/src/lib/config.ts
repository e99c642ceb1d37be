import { randomBytes } from 'node:crypto';
import { parseDuration } from './duration';

export type NodeEnv = 'development' | 'test' | 'production';

export interface EncryptionKey {
  version: string;
  key: Buffer;
}

/** Every setting of the platform, validated once at boot (API.md §1). Nothing else reads process.env. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  workersHealthPort: number;
  /** Owner connection: migrations and database creation only. */
  databaseUrl: string;
  /** Runtime connection as the restricted role `lsp_app` (no superuser, no BYPASSRLS). */
  appDatabaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  bootstrapAdminEmail: string;
  bootstrapAdminPassword: string | null;
  jwtSecret: string;
  encryptionKeys: EncryptionKey[];
  webhookRetryScheduleMs: number[];
  stalePaymentAfterMs: number;
  sandboxCallbackDelayMs: number;
  webhookAllowPrivateTargets: boolean;
  retryTemporaryMax: number;
  corsOrigins: string[];
  trustProxy: boolean;
  logLevel: string;
  /** Folder of the built console served at `/`; null serves none. */
  consoleDist: string | null;
  /** Queues this worker process serves; empty means all declared queues. */
  workerQueues: string[];
  /** Niceness a worker process gives itself at boot (0: keep the one it was started with). */
  workerNice: number;
  /** How long an API-key lookup may be served from a process-local cache. */
  apiKeyCacheTtlMs: number;
  auditVerifyEvery: number;
  /** Where gateways and browsers reach this API (callbacks, checkout redirects). */
  publicBaseUrl: string;
  /** Longest any single gateway call may take; a hung gateway costs at most this. */
  gatewayTimeoutMs: number;
  /** Largest payment amount accepted, in minor units. */
  paymentMaxAmount: number;
  /** First retry delay after every gateway failed temporarily; doubles per retry. */
  retryBaseDelayMs: number;
  /** Login attempts allowed per client IP per minute, and per email per 15 minutes. */
  loginMaxPerIp: number;
  loginMaxPerEmail: number;
  /** How often an open server-sent event stream gets a heartbeat comment (keeps proxies from closing it). */
  streamHeartbeatMs: number;
  /** How often the Gateway Health Collector runs, and the window of recent attempts it judges a gateway on. */
  gatewayHealthIntervalMs: number;
  gatewayHealthWindowMs: number;
  /** Consecutive failed attempts at a gateway that open its circuit, and how long it stays open before a trial. */
  circuitFailureThreshold: number;
  circuitCooldownMs: number;
  // ---- webhooks to merchants and developer tools (issue 6) ----
  /** Longest one webhook delivery may take (connect, send, first 1 KB of the answer). */
  webhookTimeoutMs: number;
  /** An endpoint whose deliveries have failed continuously this long is disabled and alerted on. */
  webhookDisableAfterMs: number;
  /** Endpoints one merchant may register. */
  webhookMaxEndpoints: number;
  /** Deliveries in flight to one endpoint across every worker process; the rest wait their turn. */
  webhookEndpointConcurrency: number;
  /** Deliveries in flight to all endpoints of one merchant across every worker process (one merchant's slow
   * endpoints together cannot fill the workers). */
  webhookMerchantConcurrency: number;
  /** How long a rotated-out endpoint secret still signs deliveries beside the new one. */
  webhookSecretRotationGraceMs: number;
  /** How long an API key replaced by `regenerate` keeps working. */
  apiKeyRotationGraceMs: number;
  /** How often the monitoring samplers run (queue metrics, worker health; system status at twice this). */
  monitorIntervalMs: number;
  /** A worker whose last heartbeat is older than this is `stale` (and alerted on); `dead` once its key expired. */
  workerStaleAfterMs: number;
  /** Queue backlog (waiting + delayed) above which the system status calls a queue degraded. */
  queueBacklogWarn: number;
  /** Outbox relay lag above which the system status calls the outbox degraded. */
  outboxLagWarnMs: number;
  // ---- settlements ----
  /** How often the settlement processor looks for requested and due runs. */
  settlementPollEveryMs: number;
  /** Whether the daily T+1 / T+2 runs are created by themselves (off: settlements only on request). */
  settlementSchedules: boolean;
  /** Most settlement items one transaction (one settlement) takes; a larger backlog becomes several settlements. */
  settlementBatchSize: number;
  /** How long a worker holds a run without progress before another worker resumes it. */
  settlementRunLeaseMs: number;
  // ---- ledger ----
  /** How long a ledger posting waits for others to share its transaction (group commit in the workers). */
  ledgerBatchWindowMs: number;
  /** Most ledger postings one transaction takes (each under its own savepoint). */
  ledgerBatchMax: number;
  /** Secrets that were generated because none was configured (development only), for a warning. */
  generated: string[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const NODE_ENVS: NodeEnv[] = ['development', 'test', 'production'];

export function loadConfig(env: Env = process.env): AppConfig {
  const generated: string[] = [];
  const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development');
  const production = nodeEnv === 'production';

  const databaseUrl = url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/lightspeedpay', [
    'postgres:',
    'postgresql:',
  ]);
  const appDatabaseUrl = env['APP_DATABASE_URL']
    ? url(env, 'APP_DATABASE_URL', '', ['postgres:', 'postgresql:'])
    : withUser(databaseUrl, 'lsp_app');

  let jwtSecret = env['JWT_SECRET'] ?? '';
  if (!jwtSecret) {
    if (production) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
    jwtSecret = randomBytes(32).toString('base64url');
    generated.push('JWT_SECRET');
  } else if (jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  }

  let encryptionKeys: EncryptionKey[];
  if (env['ENCRYPTION_KEYS']) {
    encryptionKeys = parseEncryptionKeys(env['ENCRYPTION_KEYS']);
  } else {
    if (production) throw new ConfigError('ENCRYPTION_KEYS', 'is required when NODE_ENV=production');
    encryptionKeys = [{ version: 'v1', key: randomBytes(32) }];
    generated.push('ENCRYPTION_KEYS');
  }

  const schedule = (env['WEBHOOK_RETRY_SCHEDULE'] ?? '0,5s,5m,30m,2h,5h,10h,10h').split(',').map((part) => {
    const ms = parseDuration(part);
    if (ms === null) throw new ConfigError('WEBHOOK_RETRY_SCHEDULE', `"${part}" is not a duration like 5s, 5m or 2h`);
    return ms;
  });

  const origins = (env['CORS_ORIGINS'] ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/]+$/.test(origin))
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin like https://console.example.com`);
  }

  return {
    nodeEnv,
    port: port(env, 'PORT', 3000),
    workersHealthPort: port(env, 'WORKERS_HEALTH_PORT', 3001),
    databaseUrl,
    appDatabaseUrl,
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix: pattern(env, 'REDIS_PREFIX', 'lsp', /^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -'),
    bootstrapAdminEmail: pattern(
      env,
      'BOOTSTRAP_ADMIN_EMAIL',
      'admin@lightspeedpay.local',
      /^[^@\s]+@[^@\s]+$/,
      'an email address',
    ),
    bootstrapAdminPassword: optionalPassword(env, 'BOOTSTRAP_ADMIN_PASSWORD'),
    jwtSecret,
    encryptionKeys,
    webhookRetryScheduleMs: schedule,
    stalePaymentAfterMs: duration(env, 'STALE_PAYMENT_AFTER', '15m'),
    sandboxCallbackDelayMs: duration(env, 'SANDBOX_CALLBACK_DELAY', '300ms'),
    webhookAllowPrivateTargets: bool(env, 'WEBHOOK_ALLOW_PRIVATE_TARGETS', nodeEnv !== 'production'),
    retryTemporaryMax: int(env, 'RETRY_TEMPORARY_MAX', 3, 0, 20),
    corsOrigins: origins,
    trustProxy: bool(env, 'TRUST_PROXY', false),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      nodeEnv === 'test' ? 'warn' : 'info',
    ),
    consoleDist: env['CONSOLE_DIST'] === '' ? null : (env['CONSOLE_DIST'] ?? 'dist/apps/admin-console/browser'),
    workerQueues: (env['WORKER_QUEUES'] ?? '')
      .split(',')
      .map((q) => q.trim())
      .filter(Boolean),
    workerNice: int(env, 'WORKER_NICE', 0, 0, 19),
    apiKeyCacheTtlMs: duration(env, 'API_KEY_CACHE_TTL', '5s'),
    auditVerifyEvery: duration(env, 'AUDIT_VERIFY_EVERY', '10m'),
    publicBaseUrl: url(env, 'PUBLIC_BASE_URL', `http://localhost:${port(env, 'PORT', 3000)}`, [
      'http:',
      'https:',
    ]).replace(/\/$/, ''),
    gatewayTimeoutMs: duration(env, 'GATEWAY_TIMEOUT', '10s'),
    paymentMaxAmount: int(env, 'PAYMENT_MAX_AMOUNT', 10_000_000_000, 1, Number.MAX_SAFE_INTEGER),
    retryBaseDelayMs: duration(env, 'RETRY_BASE_DELAY', '30s'),
    loginMaxPerIp: int(env, 'LOGIN_MAX_PER_IP', 30, 1, 100_000),
    loginMaxPerEmail: int(env, 'LOGIN_MAX_PER_EMAIL', 10, 1, 100_000),
    streamHeartbeatMs: duration(env, 'STREAM_HEARTBEAT_INTERVAL', '15s'),
    gatewayHealthIntervalMs: positiveDuration(env, 'GATEWAY_HEALTH_INTERVAL', '10s'),
    gatewayHealthWindowMs: positiveDuration(env, 'GATEWAY_HEALTH_WINDOW', '5m'),
    circuitFailureThreshold: int(env, 'CIRCUIT_FAILURE_THRESHOLD', 5, 1, 1000),
    circuitCooldownMs: positiveDuration(env, 'CIRCUIT_COOLDOWN', '30s'),
    webhookTimeoutMs: duration(env, 'WEBHOOK_TIMEOUT', '15s'),
    webhookDisableAfterMs: duration(env, 'WEBHOOK_DISABLE_AFTER', '5d'),
    webhookMaxEndpoints: int(env, 'WEBHOOK_MAX_ENDPOINTS', 16, 1, 1000),
    webhookEndpointConcurrency: int(env, 'WEBHOOK_ENDPOINT_CONCURRENCY', 10, 1, 1000),
    webhookMerchantConcurrency: int(env, 'WEBHOOK_MERCHANT_CONCURRENCY', 20, 1, 10_000),
    webhookSecretRotationGraceMs: duration(env, 'WEBHOOK_SECRET_ROTATION_GRACE', '24h'),
    apiKeyRotationGraceMs: duration(env, 'API_KEY_ROTATION_GRACE', '24h'),
    monitorIntervalMs: durationAtLeast(env, 'MONITOR_INTERVAL', '5s', 100),
    // Workers beat every 5 s: anything under two beats would call a healthy worker stale between beats.
    workerStaleAfterMs: durationAtLeast(env, 'WORKER_STALE_AFTER', '15s', 10_000),
    queueBacklogWarn: int(env, 'QUEUE_BACKLOG_WARN', 1000, 1, 100_000_000),
    outboxLagWarnMs: durationAtLeast(env, 'OUTBOX_LAG_WARN', '30s', 1000),
    ...alertsAndRetention(env),
    settlementPollEveryMs: durationAtLeast(env, 'SETTLEMENT_POLL_EVERY', '5s', 100),
    settlementSchedules: bool(env, 'SETTLEMENT_SCHEDULES', true),
    settlementBatchSize: int(env, 'SETTLEMENT_BATCH_SIZE', 5000, 1, 100_000),
    settlementRunLeaseMs: durationAtLeast(env, 'SETTLEMENT_RUN_LEASE', '1m', 1000),
    ledgerBatchWindowMs: durationAtMost(env, 'LEDGER_BATCH_WINDOW', '5ms', 1000),
    // PostgreSQL caches 64 subtransactions per transaction; past that every snapshot of every session gets slower.
    ledgerBatchMax: int(env, 'LEDGER_BATCH_MAX', 32, 1, 64),
    generated,
  };
}

export function parseEncryptionKeys(text: string): EncryptionKey[] {
  const keys = text.split(',').map((part) => {
    const m = /^(v\d+):(.+)$/.exec(part.trim());
    if (!m) throw new ConfigError('ENCRYPTION_KEYS', 'expected v1:<base64 32 bytes>[,v2:...]');
    const key = Buffer.from(m[2], 'base64');
    if (key.length !== 32) throw new ConfigError('ENCRYPTION_KEYS', `key ${m[1]} is ${key.length} bytes, expected 32`);
    return { version: m[1], key };
  });
  if (new Set(keys.map((k) => k.version)).size !== keys.length) {
    throw new ConfigError('ENCRYPTION_KEYS', 'a key version appears twice');
  }
  return keys;
}

function withUser(dbUrl: string, user: string): string {
  const u = new URL(dbUrl);
  u.username = user;
  u.password = '';
  return u.toString();
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v))
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${v}")`);
  return v as T;
}

function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  const v = env[name] || fallback;
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}//`);
  return v;
}

function port(env: Env, name: string, fallback: number): number {
  return int(env, name, fallback, 0, 65535);
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${v}")`);
  return Number(v);
}

function duration(env: Env, name: string, fallback: string): number {
  const v = env[name] || fallback;
  const ms = parseDuration(v);
  if (ms === null) throw new ConfigError(name, `"${v}" is not a duration like 300ms, 5s, 15m or 2h`);
  return ms;
}

function positiveDuration(env: Env, name: string, fallback: string): number {
  const ms = duration(env, name, fallback);
  if (ms <= 0) throw new ConfigError(name, 'must be longer than zero');
  return ms;
}

function durationAtLeast(env: Env, name: string, fallback: string, minMs: number): number {
  const ms = duration(env, name, fallback);
  if (ms < minMs) throw new ConfigError(name, `must be at least ${minMs} ms`);
  return ms;
}

function durationAtMost(env: Env, name: string, fallback: string, maxMs: number): number {
  const ms = duration(env, name, fallback);
  if (ms > maxMs) throw new ConfigError(name, `must be at most ${maxMs} ms`);
  return ms;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ConfigError(name, `must be true or false (got "${v}")`);
}

function pattern(env: Env, name: string, fallback: string, re: RegExp, what: string): string {
  const v = env[name] || fallback;
  if (!re.test(v)) throw new ConfigError(name, `must be ${what}`);
  return v;
}

function optionalPassword(env: Env, name: string): string | null {
  const v = env[name];
  if (!v) return null;
  if (v.length < 12) throw new ConfigError(name, 'must be at least 12 characters');
  return v;
}

// ---- alert manager, data retention ---------------------------------------------------------------------------

/** Settings of the alert rules, alert channels and retention cleaners (merged into AppConfig). */
export interface AppConfig {
  /** How often the workers evaluate the alert rules. */
  alertEvaluateEveryMs: number;
  /** How often pending alert notifications are published and handed to the channels. */
  alertDispatchEveryMs: number;
  /** Outgoing HTTP webhook (e.g. a chat tool) that receives every alert change; null sends none. */
  alertWebhookUrl: string | null;
  /** Write every alert change to the workers' log. */
  alertLogChannel: boolean;
  /** Failed-transaction rule: window, failure rate (percent) that raises, and fewest outcomes judged. */
  alertFailedTxWindowMs: number;
  alertFailedTxRatePercent: number;
  alertFailedTxMinCount: number;
  /** Queue rules: waiting jobs that count as a backlog; failure rate (percent) of finished jobs over a window. */
  alertQueueBacklog: number;
  alertQueueFailureRatePercent: number;
  alertQueueFailureMinCount: number;
  alertQueueFailureWindowMs: number;
  /** How often each retention cleaner runs, and rows per delete statement. */
  retentionRunEveryMs: number;
  retentionBatchSize: number;
  /** How long each kind of data is kept. */
  retentionWebhookAttemptsMs: number;
  retentionEventsMs: number;
  retentionSamplesMs: number;
  retentionSessionsMs: number;
  retentionJobsMs: number;
  retentionResolvedAlertsMs: number;
}

function alertsAndRetention(
  env: Env,
): Omit<AppConfig, Exclude<keyof AppConfig, `alert${string}` | `retention${string}`>> {
  return {
    alertEvaluateEveryMs: duration(env, 'ALERT_EVALUATE_EVERY', '30s'),
    alertDispatchEveryMs: duration(env, 'ALERT_DISPATCH_EVERY', '1s'),
    alertWebhookUrl: env['ALERT_WEBHOOK_URL'] ? url(env, 'ALERT_WEBHOOK_URL', '', ['http:', 'https:']) : null,
    alertLogChannel: bool(env, 'ALERT_LOG_CHANNEL', true),
    alertFailedTxWindowMs: duration(env, 'ALERT_FAILED_TX_WINDOW', '15m'),
    alertFailedTxRatePercent: int(env, 'ALERT_FAILED_TX_RATE', 20, 1, 100),
    alertFailedTxMinCount: int(env, 'ALERT_FAILED_TX_MIN_COUNT', 20, 1, 1_000_000),
    alertQueueBacklog: int(env, 'ALERT_QUEUE_BACKLOG', 1000, 1, 100_000_000),
    alertQueueFailureRatePercent: int(env, 'ALERT_QUEUE_FAILURE_RATE', 10, 1, 100),
    alertQueueFailureMinCount: int(env, 'ALERT_QUEUE_FAILURE_MIN_COUNT', 20, 1, 1_000_000),
    alertQueueFailureWindowMs: duration(env, 'ALERT_QUEUE_FAILURE_WINDOW', '15m'),
    retentionRunEveryMs: duration(env, 'RETENTION_RUN_EVERY', '1h'),
    retentionBatchSize: int(env, 'RETENTION_BATCH_SIZE', 1000, 1, 100_000),
    retentionWebhookAttemptsMs: duration(env, 'RETENTION_WEBHOOK_ATTEMPTS', '30d'),
    retentionEventsMs: duration(env, 'RETENTION_EVENTS', '30d'),
    retentionSamplesMs: duration(env, 'RETENTION_SAMPLES', '7d'),
    retentionSessionsMs: duration(env, 'RETENTION_SESSIONS', '7d'),
    retentionJobsMs: duration(env, 'RETENTION_JOBS', '7d'),
    retentionResolvedAlertsMs: duration(env, 'RETENTION_RESOLVED_ALERTS', '90d'),
  };
}

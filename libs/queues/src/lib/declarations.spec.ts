import {
  InvalidJobPayloadError,
  JOB_SCHEDULES,
  QUEUE_NAMES,
  QUEUES,
  UnknownJobError,
  isJobName,
  isQueueName,
  jobNamesOf,
  jobOptions,
  orphanSweepEveryMs,
  parseJobPayload,
  scanEveryMs,
  scheduledJobOptions,
} from './declarations';
import { deliverWebhookJobId } from './webhook-jobs';

const PAYMENT_ID = 'pay_01JDQ3ZK7Y0000000000000000';
const MERCHANT_ID = 'mer_01JDQ3ZK7Y0000000000000000';

describe('queue declarations', () => {
  it('declares the maintenance queue with its verify-audit-chain job', () => {
    expect(QUEUE_NAMES).toContain('maintenance');
    expect(jobNamesOf('maintenance')).toEqual(['verify-audit-chain']);
    expect(isQueueName('maintenance')).toBe(true);
    expect(isQueueName('toString')).toBe(false);
    expect(isJobName('maintenance', 'verify-audit-chain')).toBe(true);
    expect(isJobName('maintenance', 'constructor')).toBe(false);
  });

  it('declares the events queue, one job per event type', () => {
    expect(QUEUE_NAMES).toEqual(
      expect.arrayContaining([
        'maintenance',
        'payments',
        'events',
        'gateways',
        'webhooks',
        'alerts',
        'alert-deliveries',
        'retention',
        'ledger',
        'settlements',
      ]),
    );
    expect(jobNamesOf('events')).toContain('payment.captured');
    expect(isJobName('events', 'payment.captured')).toBe(true);
    expect(isJobName('events', 'settlement.paid')).toBe(true);
    expect(isJobName('events', 'settlement.created')).toBe(false);
  });

  it('gives every queue exponential backoff and bounded history', () => {
    for (const name of QUEUE_NAMES) {
      const options = QUEUES[name].defaultJobOptions;
      // Sampling queues (monitoring) are never retried: the next tick samples afresh.
      expect(options.attempts).toBeGreaterThanOrEqual(name === 'monitoring' ? 1 : 2);
      expect(options.backoff).toMatchObject({ type: 'exponential' });
      expect(options.removeOnComplete).toMatchObject({
        count: expect.any(Number),
      });
      expect(options.removeOnFail).toMatchObject({ count: expect.any(Number) });
      expect(QUEUES[name].concurrency).toBeGreaterThan(0);
    }
  });

  it.each([[{ trigger: 'schedule' }], [{ trigger: 'manual' }]])('accepts verify-audit-chain payload %j', (data) => {
    expect(parseJobPayload('maintenance', 'verify-audit-chain', data)).toEqual(data);
  });

  it.each([[{}], [{ trigger: 'cron' }], [{ trigger: 'manual', extra: true }], [null], ['manual']])(
    'rejects verify-audit-chain payload %j',
    (data) => {
      expect(() => parseJobPayload('maintenance', 'verify-audit-chain', data)).toThrow(InvalidJobPayloadError);
    },
  );

  it('names queue, job and problem in a payload error', () => {
    expect(() => parseJobPayload('maintenance', 'verify-audit-chain', { trigger: 1 })).toThrow(
      'invalid payload for maintenance/verify-audit-chain: data.trigger must be one of "schedule", "manual"',
    );
  });

  it('refuses an undeclared job name coming from the wire', () => {
    expect(() => parseJobPayload('maintenance', 'drop-tables' as 'verify-audit-chain', {})).toThrow(UnknownJobError);
  });

  it('merges queue defaults with caller overrides', () => {
    const options = jobOptions('maintenance', 'verify-audit-chain', {
      jobId: 'x',
      attempts: 1,
    });
    expect(options).toMatchObject({
      jobId: 'x',
      attempts: 1,
      backoff: QUEUES.maintenance.defaultJobOptions.backoff,
    });
  });

  it('schedules only declared jobs with valid payloads', () => {
    for (const s of JOB_SCHEDULES) {
      expect(isJobName(s.queue, s.job)).toBe(true);
      expect(() => parseJobPayload(s.queue, s.job as never, s.payload)).not.toThrow();
    }
    const config = {
      auditVerifyEvery: 60_000,
      retryBaseDelayMs: 30_000,
      stalePaymentAfterMs: 900_000,
      gatewayHealthIntervalMs: 10_000,
      alertEvaluateEveryMs: 30_000,
      alertDispatchEveryMs: 1000,
      retentionRunEveryMs: 3_600_000,
      monitorIntervalMs: 5000,
      settlementPollEveryMs: 5000,
    };
    const every = Object.fromEntries(JOB_SCHEDULES.map((s) => [s.id, s.everyMs(config)]));
    expect(every).toEqual({
      'verify-audit-chain': 60_000,
      'retry-temporary-failures': 5000,
      'monitor-stale-payments': 5000,
      'recover-orphaned-payments': 600_000,
      'purge-idempotency-keys': 3_600_000,
      'collect-gateway-health': 10_000,
      'reencrypt-gateway-secrets': 86_400_000,
      'sweep-webhook-deliveries': 30_000,
      'flush-api-usage': 15_000,
      'evaluate-alert-rules': 30_000,
      'dispatch-alert-notifications': 1000,
      'clean-webhook-history': 3_600_000,
      'clean-health-samples': 3_600_000,
      'clean-sessions': 3_600_000,
      'clean-jobs-and-alerts': 3_600_000,
      'release-pending-funds': 300_000,
      'monitor-wallet-balances': 60_000,
      'reconcile-ledger': 86_400_000,
      'process-settlement-runs': 5000,
      'collect-queue-metrics': 5000,
      'check-system-status': 10_000,
    });
    expect(new Set(JOB_SCHEDULES.map((s) => s.id)).size).toBe(JOB_SCHEDULES.length);
  });
});

describe('payments queue', () => {
  it('declares the scans, the per-payment jobs and the purge', () => {
    expect(jobNamesOf('payments')).toEqual([
      'retry-temporary-failures',
      'retry-payment',
      'monitor-stale-payments',
      'reconcile-payment',
      'recover-orphaned-payments',
      'purge-idempotency-keys',
    ]);
  });

  it.each([
    ['retry-payment', { merchantId: MERCHANT_ID, paymentId: PAYMENT_ID, retryCount: 0 }],
    ['reconcile-payment', { merchantId: MERCHANT_ID, paymentId: PAYMENT_ID, reconcileAttempts: 7 }],
    ['purge-idempotency-keys', { trigger: 'manual' }],
  ] as const)('accepts a valid %s payload', (job, data) => {
    expect(parseJobPayload('payments', job, data)).toEqual(data);
  });

  it.each([
    ['retry-payment', { merchantId: MERCHANT_ID, paymentId: PAYMENT_ID }],
    ['retry-payment', { merchantId: MERCHANT_ID, paymentId: 'pay_1', retryCount: 0 }],
    ['retry-payment', { merchantId: 'mer_x', paymentId: PAYMENT_ID, retryCount: 0 }],
    ['retry-payment', { merchantId: MERCHANT_ID, paymentId: PAYMENT_ID, retryCount: -1 }],
    ['retry-payment', { merchantId: MERCHANT_ID, paymentId: PAYMENT_ID, retryCount: 1.5 }],
    ['reconcile-payment', { merchantId: MERCHANT_ID, paymentId: PAYMENT_ID, retryCount: 0 }],
    ['monitor-stale-payments', { trigger: 'cron' }],
  ] as const)('refuses an invalid %s payload %j', (job, data) => {
    expect(() => parseJobPayload('payments', job, data)).toThrow(InvalidJobPayloadError);
  });

  it('never retries a scan (the next tick is the retry) and drops finished per-payment jobs', () => {
    expect(jobOptions('payments', 'retry-temporary-failures')).toMatchObject({ attempts: 1 });
    expect(jobOptions('payments', 'monitor-stale-payments')).toMatchObject({ attempts: 1 });
    for (const job of ['retry-payment', 'reconcile-payment'] as const) {
      expect(jobOptions('payments', job)).toMatchObject({ removeOnComplete: true, removeOnFail: true });
    }
  });

  it('gives scheduled runs their job’s declared options', () => {
    const scan = JOB_SCHEDULES.find((s) => s.id === 'retry-temporary-failures');
    expect(scan && scheduledJobOptions(scan)).toEqual(jobOptions('payments', 'retry-temporary-failures'));
    expect(() =>
      scheduledJobOptions({ id: 'x', queue: 'payments', job: 'drop-tables', everyMs: () => 1, payload: {} }),
    ).toThrow(UnknownJobError);
  });

  it.each([
    [100, 100],
    [200, 100],
    [1000, 500],
    [30_000, 5000],
    [900_000, 5000],
  ])('scans every %i ms delay at %i ms intervals', (delay, every) => {
    expect(scanEveryMs(delay)).toBe(every);
  });

  it('sweeps orphans between once a second and once every 10 minutes', () => {
    expect(orphanSweepEveryMs(200)).toBe(1000);
    expect(orphanSweepEveryMs(120_000)).toBe(120_000);
    expect(orphanSweepEveryMs(900_000)).toBe(600_000);
  });
});

describe('webhooks queue', () => {
  it('gives each attempt of a delivery, and each deferral of it, its own idempotent job id', () => {
    const id = 'whd_01JDQ3ZK7Y0000000000000000';
    expect(deliverWebhookJobId(id, 1)).toBe(`webhooks.deliver-webhook.${id}.1.0`);
    expect(deliverWebhookJobId(id, 2, 3)).toBe(`webhooks.deliver-webhook.${id}.2.3`);
    const payload = { merchantId: 'mer_01JDQ3ZK7Y0000000000000001', deliveryId: id, attempt: 1, deferrals: 0 };
    expect(parseJobPayload('webhooks', 'deliver-webhook', payload)).toEqual(payload);
    expect(() => parseJobPayload('webhooks', 'deliver-webhook', { ...payload, attempt: 0 })).toThrow(/attempt/);
    // The endpoint is optional (older jobs lack it) but must be an endpoint id when given.
    const withEndpoint = { ...payload, endpointId: 'whe_01JDQ3ZK7Y0000000000000002' };
    expect(parseJobPayload('webhooks', 'deliver-webhook', withEndpoint)).toEqual(withEndpoint);
    expect(() => parseJobPayload('webhooks', 'deliver-webhook', { ...payload, endpointId: 'mer_1' })).toThrow(
      /endpointId/,
    );
    expect(jobOptions('webhooks', 'deliver-webhook')).toMatchObject({ removeOnComplete: true, attempts: 3 });
  });
});

describe('alert and retention jobs', () => {
  it.each([
    [{ notificationId: '42', channel: 'webhook', kind: 'raised', alert: { id: 'alr_1' } }, true],
    [{ notificationId: '42', channel: 'sms', kind: 'raised', alert: {} }, false],
    [{ notificationId: '4x', channel: 'log', kind: 'raised', alert: {} }, false],
    [{ notificationId: '42', channel: 'log', kind: 'bumped', alert: {} }, false],
    [{ notificationId: '42', channel: 'log', kind: 'resolved' }, false],
  ])('validates deliver-alert payload %j → %s', (data, ok) => {
    const parse = () => parseJobPayload('alert-deliveries', 'deliver-alert', data);
    if (ok) expect(parse()).toEqual(data);
    else expect(parse).toThrow(InvalidJobPayloadError);
  });
});

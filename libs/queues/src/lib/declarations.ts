import type { DefaultJobOptions, JobSchedulerTemplateOptions, JobsOptions } from 'bullmq';
import type { AppConfig } from '@lsp/platform';
import { EVENT_TYPES, type EventEnvelope, type EventType, eventValidator } from './events';
import { integer, objectOf, oneOf, optional, string, type Validator } from './validation';
import { WEBHOOK_SCHEDULES, WEBHOOKS_QUEUE, type WebhookJobPayloads } from './webhook-jobs';
import {
  ALERTS_RETENTION_QUEUES,
  ALERTS_RETENTION_SCHEDULES,
  type AlertDeliveryJobPayloads,
  type AlertsJobPayloads,
  type AlertsRetentionScheduleConfig,
  type RetentionJobPayloads,
} from './alerts-retention-jobs';

/*
 * The single declaration of every queue and job. The API (producers, admin views) and the workers (consumers)
 * both read it, so a queue or job name, a payload shape or a retry policy exists in exactly one place.
 *
 * To add a queue (webhook delivery, settlements, ledger…):
 *   1. add its jobs' payload types to `JobPayloads`;
 *   2. add an entry to `QUEUES` — the compiler then insists on a validator for every job;
 *   3. add one processor per job in apps/workers/src/<queue>/ — the workers refuse to start without them.
 */

// ---- payloads ----------------------------------------------------------------------------------------------

export interface VerifyAuditChainPayload {
  /** Who asked: the job scheduler, or an operator from the console. */
  trigger: 'schedule' | 'manual';
}

/** A periodic job: the job scheduler, or an operator from the console. */
export interface ScheduledRunPayload {
  trigger: 'schedule' | 'manual';
}

/** One payment whose `next_retry_at` has come, as the retry scan saw it. */
export interface RetryPaymentPayload {
  merchantId: string;
  paymentId: string;
  /** `retry_count` when the scan saw the payment; part of the job id, so each due retry is enqueued once. */
  retryCount: number;
}

/** One payment pending at a gateway past its `stale_check_at`, as the stale monitor saw it. */
export interface ReconcilePaymentPayload {
  merchantId: string;
  paymentId: string;
  /** `reconcile_attempts` when the monitor saw the payment; part of the job id, like `retryCount`. */
  reconcileAttempts: number;
}

/** Re-sealing of gateway secrets under the newest ENCRYPTION_KEYS key (daily, or an admin's request). */
export interface ReencryptGatewaySecretsPayload {
  trigger: 'schedule' | 'manual';
  /** The admin who asked (user id), for the log. */
  requestedBy?: string;
}

/** Queue name → job name → payload type. */
export interface JobPayloads {
  maintenance: {
    'verify-audit-chain': VerifyAuditChainPayload;
  };
  /**
   * Background work on payments: scans that find due work in PostgreSQL and fan it out as one job per payment
   * (so the work spreads over every process serving the queue), and housekeeping of the payments API.
   */
  payments: {
    'retry-temporary-failures': ScheduledRunPayload;
    'retry-payment': RetryPaymentPayload;
    'monitor-stale-payments': ScheduledRunPayload;
    'reconcile-payment': ReconcilePaymentPayload;
    'recover-orphaned-payments': ScheduledRunPayload;
    'purge-idempotency-keys': ScheduledRunPayload;
  };
  /** One job per outbox event; the job name is the event type. */
  events: { [T in EventType]: EventEnvelope<T> };
  /** Gateway health collection and credential key rotation. */
  gateways: {
    'collect-gateway-health': ScheduledRunPayload;
    'reencrypt-gateway-secrets': ReencryptGatewaySecretsPayload;
  };
  /** Merchant webhook deliveries, their recovery sweep, the API usage flush (libs/queues webhook-jobs.ts). */
  webhooks: WebhookJobPayloads;
  /**
   * The operations plane's samplers: queue metrics and system status (each publishes a stream). Worker health is
   * not a job: a frozen worker holding the scheduler's current job would silence the very check that detects it.
   */
  monitoring: {
    'collect-queue-metrics': ScheduledRunPayload;
    'check-system-status': ScheduledRunPayload;
  };
  /** Alert rules and dispatch; deliveries to the alert channels (alerts-retention-jobs.ts). */
  alerts: AlertsJobPayloads;
  'alert-deliveries': AlertDeliveryJobPayloads;
  /** Data retention cleaners (alerts-retention-jobs.ts). */
  retention: RetentionJobPayloads;
  /** The ledger's periodic work: pending → available at the cut-off, wallet alerts, nightly reconciliation. */
  ledger: {
    'release-pending-funds': ScheduledRunPayload;
    'monitor-wallet-balances': ScheduledRunPayload;
    'reconcile-ledger': ScheduledRunPayload;
  };
  /**
   * Settlement runs live in PostgreSQL (`settlement_runs`); this tick creates the daily scheduled ones and works
   * through every open run, so a requested run needs no job of its own and a run survives any worker.
   */
  settlements: {
    'process-settlement-runs': ScheduledRunPayload;
  };
}

export type QueueName = keyof JobPayloads;
export type JobName<Q extends QueueName> = keyof JobPayloads[Q] & string;
export type JobPayload<Q extends QueueName, J extends JobName<Q>> = JobPayloads[Q][J];

// ---- definitions -------------------------------------------------------------------------------------------

export interface JobDefinition<P> {
  description: string;
  validate: Validator<P>;
  /** Overrides of the queue's default job options for this job. */
  options?: JobsOptions;
}

export interface QueueDefinition<Jobs> {
  description: string;
  /** Jobs one worker process runs at once on this queue. */
  concurrency: number;
  defaultJobOptions: DefaultJobOptions;
  jobs: { [J in keyof Jobs]-?: JobDefinition<Jobs[J]> };
}

const HOUR_S = 3600;

/**
 * Retries with exponential backoff (1 s, 2 s, 4 s, …); keep enough finished jobs for the admin console without
 * letting Redis grow without bound.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000, age: 24 * HOUR_S },
  removeOnFail: { count: 5000, age: 7 * 24 * HOUR_S },
};

/** One job declaration per event type, generated from the single list `EVENT_TYPES`. */
function eventJobs(): QueueDefinition<JobPayloads['events']>['jobs'] {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        description: `Fans the ${type} event out to its consumers`,
        validate: eventValidator(type),
      },
    ]),
  ) as QueueDefinition<JobPayloads['events']>['jobs'];
}

const scheduledRun = objectOf<ScheduledRunPayload>({ trigger: oneOf('schedule', 'manual') });
const merchantIdField = string({ pattern: /^mer_[0-9A-Z]{26}$/, maxLength: 30 });
const paymentIdField = string({ pattern: /^pay_[0-9A-Z]{26}$/, maxLength: 30 });

/**
 * A scan runs again at its next tick, so a failed one is not retried; only a few finished runs are kept (the
 * scans tick every few seconds).
 */
const SCAN_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { count: 50, age: HOUR_S },
  removeOnFail: { count: 100, age: 24 * HOUR_S },
};

/**
 * Per-payment jobs carry an idempotent id (payment + counter). BullMQ refuses an id only while it still holds
 * the job, and a finished job with the same id would keep the next scan from enqueueing that payment again (a
 * claim lost to clock skew, a run that failed before claiming), so finished jobs are dropped at once: the
 * outcome lives in PostgreSQL (attempts, reconcile_attempts, alerts) and in the logs. A failure is retried a few
 * times here; after that the next scan enqueues the payment afresh.
 */
const PER_PAYMENT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: true,
};

export const QUEUES: {
  readonly [Q in QueueName]: QueueDefinition<JobPayloads[Q]>;
} = {
  maintenance: {
    description: 'Periodic housekeeping and integrity checks',
    // Checks walk whole tables; one at a time per process is plenty.
    concurrency: 1,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, attempts: 3 },
    jobs: {
      'verify-audit-chain': {
        description:
          'Walks the audit log hash chain, records the outcome and raises or resolves the audit-chain-broken alert',
        validate: objectOf<VerifyAuditChainPayload>({
          trigger: oneOf('schedule', 'manual'),
        }),
      },
    },
  },
  payments: {
    description: 'Retries of temporarily failed payments, reconciliation of stale ones, idempotency-key purge',
    // A retry or status query waits on a gateway (up to GATEWAY_TIMEOUT); the database work is short.
    concurrency: 5,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, attempts: 3 },
    jobs: {
      'retry-temporary-failures': {
        description: 'Finds pending payments whose next_retry_at has come and enqueues one retry-payment job for each',
        validate: scheduledRun,
        options: SCAN_JOB_OPTIONS,
      },
      'retry-payment': {
        description: 'Routes a payment again after every gateway failed temporarily (claimed under its row lock)',
        validate: objectOf<RetryPaymentPayload>({
          merchantId: merchantIdField,
          paymentId: paymentIdField,
          retryCount: integer({ min: 0, max: 1000 }),
        }),
        options: PER_PAYMENT_JOB_OPTIONS,
      },
      'monitor-stale-payments': {
        description:
          'Finds payments pending at a gateway past their stale_check_at and enqueues one reconcile-payment job for each',
        validate: scheduledRun,
        options: SCAN_JOB_OPTIONS,
      },
      'reconcile-payment': {
        description:
          'Asks the gateway for the status of a stale payment and applies it; flags it and raises an alert when it stays unknown',
        validate: objectOf<ReconcilePaymentPayload>({
          merchantId: merchantIdField,
          paymentId: paymentIdField,
          reconcileAttempts: integer({ min: 0, max: 1_000_000 }),
        }),
        options: PER_PAYMENT_JOB_OPTIONS,
      },
      'recover-orphaned-payments': {
        description:
          'Gives a pending payment that nothing watches any more (its processor died mid-retry) a status check or a retry',
        validate: scheduledRun,
        options: SCAN_JOB_OPTIONS,
      },
      'purge-idempotency-keys': {
        description: 'Deletes expired idempotency keys in batches',
        validate: scheduledRun,
        options: { ...SCAN_JOB_OPTIONS, removeOnComplete: { count: 100, age: 7 * 24 * HOUR_S } },
      },
    },
  },
  events: {
    description: 'Domain events published by the outbox relay, fanned out to their consumers (live streams, …)',
    // Handlers are short I/O (a publish, a small transaction) that wait their turn for the worker's 5 database
    // connections. Ledger postings of jobs in flight together share one transaction (LedgerPostingBatcher, up to
    // LEDGER_BATCH_MAX): only as many jobs as run at once can form a batch, hence more than the connections.
    concurrency: 32,
    defaultJobOptions: {
      ...DEFAULT_JOB_OPTIONS,
      // 1 s … 8.5 min apart (~17 min in all): outlives a Redis or PostgreSQL restart.
      attempts: 10,
      // BullMQ drops a re-published event as a duplicate only while its job is still held, so completed events
      // are kept longer than the relay's claim lease; consumers still dedupe on the event id themselves.
      removeOnComplete: { count: 20_000, age: 24 * HOUR_S },
    },
    jobs: eventJobs(),
  },
  gateways: {
    description: 'Gateway Health Collector ticks and re-encryption of gateway credentials after a key rotation',
    // A health tick and a re-encryption run may overlap; two ticks never do (the scheduler adds one per interval).
    concurrency: 2,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, attempts: 3 },
    jobs: {
      'collect-gateway-health': {
        description:
          'Probes every enabled gateway, judges its recent attempts, records a health sample and publishes status changes',
        validate: scheduledRun,
        options: SCAN_JOB_OPTIONS,
      },
      'reencrypt-gateway-secrets': {
        description: 'Re-seals, in batches, every gateway secret sealed under an older ENCRYPTION_KEYS version',
        validate: objectOf<ReencryptGatewaySecretsPayload>({
          trigger: oneOf('schedule', 'manual'),
          requestedBy: optional(string({ maxLength: 40 })),
        }),
        options: { removeOnComplete: { count: 100, age: 7 * 24 * HOUR_S } },
      },
    },
  },
  webhooks: WEBHOOKS_QUEUE,
  monitoring: {
    description: 'Samples queues and every dependency for the operations streams and status page',
    // The samplers must not wait on each other: a slow PostgreSQL probe must not delay the queue metrics.
    concurrency: 2,
    // A sample is retaken at the next tick: never retried, and only a few finished runs kept.
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, ...SCAN_JOB_OPTIONS },
    jobs: {
      'collect-queue-metrics': {
        description:
          'Samples every queue’s job counts into Redis (recent) and queue_metric_samples (history); publishes queue-stats',
        validate: scheduledRun,
      },
      'check-system-status': {
        description: 'Probes PostgreSQL, Redis, queues, workers, gateways and the outbox; publishes system-status',
        validate: scheduledRun,
      },
    },
  },
  ...ALERTS_RETENTION_QUEUES,
  ledger: {
    description: 'Ledger housekeeping: releases at the settlement cut-off, wallet balance alerts, reconciliation',
    // Every ledger writer queues on one lock anyway; reconciliation reads whole tables.
    concurrency: 1,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, attempts: 3 },
    jobs: {
      'release-pending-funds': {
        description: 'Moves captured funds from pending to available once their settlement cut-off has passed',
        validate: scheduledRun,
        options: SCAN_JOB_OPTIONS,
      },
      'monitor-wallet-balances': {
        description: 'Raises a wallet-low alert when a wallet crosses below its threshold, resolves it when back above',
        validate: scheduledRun,
        options: SCAN_JOB_OPTIONS,
      },
      'reconcile-ledger': {
        description:
          'Checks payments against journals and the ledger invariants; raises reconciliation-break alerts naming the culprit',
        validate: scheduledRun,
        options: { ...SCAN_JOB_OPTIONS, removeOnComplete: { count: 100, age: 30 * 24 * HOUR_S } },
      },
    },
  },
  settlements: {
    description: 'Settlement runs: daily T+1/T+2 schedules and runs requested by finance, in resumable batches',
    // A run holds one connection at a time and serialises per merchant; one per process is enough.
    concurrency: 1,
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, attempts: 3 },
    jobs: {
      'process-settlement-runs': {
        description:
          'Creates the day’s scheduled runs, then claims open runs (requested, or abandoned by a dead worker) and settles them batch by batch',
        validate: scheduledRun,
        options: SCAN_JOB_OPTIONS,
      },
    },
  },
};

export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

export function isQueueName(name: unknown): name is QueueName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(QUEUES, name);
}

export function jobNamesOf<Q extends QueueName>(queue: Q): JobName<Q>[] {
  return Object.keys(QUEUES[queue].jobs) as JobName<Q>[];
}

export function isJobName<Q extends QueueName>(queue: Q, name: unknown): name is JobName<Q> {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(QUEUES[queue].jobs, name);
}

function jobDefinition<Q extends QueueName, J extends JobName<Q>>(queue: Q, job: J): JobDefinition<JobPayload<Q, J>> {
  const jobs = QUEUES[queue].jobs as unknown as Record<string, JobDefinition<JobPayload<Q, J>>>;
  const definition = jobs[job];
  if (!definition) throw new UnknownJobError(queue, job);
  return definition;
}

export class UnknownJobError extends Error {
  constructor(
    readonly queue: string,
    readonly job: string,
  ) {
    super(`queue "${queue}" declares no job "${job}"`);
    this.name = 'UnknownJobError';
  }
}

export class InvalidJobPayloadError extends Error {
  constructor(
    readonly queue: string,
    readonly job: string,
    readonly errors: string[],
  ) {
    super(`invalid payload for ${queue}/${job}: ${errors.join('; ')}`);
    this.name = 'InvalidJobPayloadError';
  }
}

/** Validates `data` against the job's declaration; throws `InvalidJobPayloadError` (or `UnknownJobError`). */
export function parseJobPayload<Q extends QueueName, J extends JobName<Q>>(
  queue: Q,
  job: J,
  data: unknown,
): JobPayload<Q, J> {
  const result = jobDefinition(queue, job).validate(data);
  if (!result.ok) throw new InvalidJobPayloadError(queue, job, result.errors);
  return result.value;
}

/** Options for adding one job: the queue's defaults, then the job's, then the caller's. */
export function jobOptions<Q extends QueueName, J extends JobName<Q>>(
  queue: Q,
  job: J,
  overrides: JobsOptions = {},
): JobsOptions {
  return {
    ...QUEUES[queue].defaultJobOptions,
    ...jobDefinition(queue, job).options,
    ...overrides,
  };
}

// ---- schedules ---------------------------------------------------------------------------------------------

/** The settings schedules derive their intervals from. */
export type ScheduleConfig = Pick<
  AppConfig,
  | 'auditVerifyEvery'
  | 'retryBaseDelayMs'
  | 'stalePaymentAfterMs'
  | 'gatewayHealthIntervalMs'
  | 'monitorIntervalMs'
  | 'settlementPollEveryMs'
> &
  AlertsRetentionScheduleConfig;

export interface JobSchedule {
  /** BullMQ job scheduler id: upserting the same id from several processes keeps a single schedule. */
  id: string;
  queue: QueueName;
  job: string;
  everyMs: (config: ScheduleConfig) => number;
  payload: unknown;
}

function schedule<Q extends QueueName, J extends JobName<Q>>(s: {
  id: string;
  queue: Q;
  job: J;
  everyMs: (config: ScheduleConfig) => number;
  payload: JobPayload<Q, J>;
}): JobSchedule {
  return s;
}

/** The options of every run a schedule adds: its job's declared ones (a job id is the scheduler's own). */
export function scheduledJobOptions(s: JobSchedule): JobSchedulerTemplateOptions {
  if (!isJobName(s.queue, s.job)) throw new UnknownJobError(s.queue, s.job);
  const { jobId: _jobId, delay: _delay, deduplication: _deduplication, ...options } = jobOptions(s.queue, s.job);
  return options;
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, Math.round(value)));

/**
 * How often a scan for due work runs: at least every 5 s, and at least twice per delay it serves, so a retry or
 * status check is late by at most half its own delay (short delays in tests and drills), but never more than ten
 * times a second. A scan is one indexed query, and BullMQ runs one per tick however many processes serve it.
 */
export function scanEveryMs(delayMs: number): number {
  return clamp(delayMs / 2, 100, 5000);
}

/**
 * The orphan sweep looks for payments nothing is scheduled for, which (until a partial index exists) is a scan
 * of the pending payments: every STALE_PAYMENT_AFTER, between once a second and once every 10 minutes.
 */
export function orphanSweepEveryMs(stalePaymentAfterMs: number): number {
  return clamp(stalePaymentAfterMs, 1000, 600_000);
}

/** Repeating jobs; installed by the workers that serve the queue. */
export const JOB_SCHEDULES: readonly JobSchedule[] = [
  schedule({
    id: 'verify-audit-chain',
    queue: 'maintenance',
    job: 'verify-audit-chain',
    everyMs: (config) => config.auditVerifyEvery,
    payload: { trigger: 'schedule' },
  }),
  schedule({
    id: 'retry-temporary-failures',
    queue: 'payments',
    job: 'retry-temporary-failures',
    everyMs: (config) => scanEveryMs(config.retryBaseDelayMs),
    payload: { trigger: 'schedule' },
  }),
  schedule({
    id: 'monitor-stale-payments',
    queue: 'payments',
    job: 'monitor-stale-payments',
    everyMs: (config) => scanEveryMs(config.stalePaymentAfterMs),
    payload: { trigger: 'schedule' },
  }),
  schedule({
    id: 'recover-orphaned-payments',
    queue: 'payments',
    job: 'recover-orphaned-payments',
    everyMs: (config) => orphanSweepEveryMs(config.stalePaymentAfterMs),
    payload: { trigger: 'schedule' },
  }),
  schedule({
    id: 'purge-idempotency-keys',
    queue: 'payments',
    job: 'purge-idempotency-keys',
    everyMs: () => HOUR_S * 1000,
    payload: { trigger: 'schedule' },
  }),
  schedule({
    id: 'collect-gateway-health',
    queue: 'gateways',
    job: 'collect-gateway-health',
    everyMs: (config) => config.gatewayHealthIntervalMs,
    payload: { trigger: 'schedule' },
  }),
  schedule({
    id: 'reencrypt-gateway-secrets',
    queue: 'gateways',
    job: 'reencrypt-gateway-secrets',
    everyMs: () => 24 * HOUR_S * 1000,
    payload: { trigger: 'schedule' },
  }),
  ...WEBHOOK_SCHEDULES,
  schedule({
    id: 'collect-queue-metrics',
    queue: 'monitoring',
    job: 'collect-queue-metrics',
    everyMs: (config) => config.monitorIntervalMs,
    payload: { trigger: 'schedule' },
  }),
  schedule({
    id: 'check-system-status',
    queue: 'monitoring',
    job: 'check-system-status',
    everyMs: (config) => config.monitorIntervalMs * 2,
    payload: { trigger: 'schedule' },
  }),
  ...ALERTS_RETENTION_SCHEDULES,
  // Cut-offs fall at midnight in India: a release within minutes of it is on time.
  schedule({
    id: 'release-pending-funds',
    queue: 'ledger',
    job: 'release-pending-funds',
    everyMs: () => 5 * 60_000,
    payload: { trigger: 'schedule' },
  }),
  schedule({
    id: 'monitor-wallet-balances',
    queue: 'ledger',
    job: 'monitor-wallet-balances',
    everyMs: () => 60_000,
    payload: { trigger: 'schedule' },
  }),
  schedule({
    id: 'reconcile-ledger',
    queue: 'ledger',
    job: 'reconcile-ledger',
    everyMs: () => 24 * HOUR_S * 1000,
    payload: { trigger: 'schedule' },
  }),
  schedule({
    id: 'process-settlement-runs',
    queue: 'settlements',
    job: 'process-settlement-runs',
    everyMs: (config) => config.settlementPollEveryMs,
    payload: { trigger: 'schedule' },
  }),
];

import type { DefaultJobOptions, JobsOptions } from 'bullmq';
import type { AppConfig } from '@lsp/platform';
import { EVENT_TYPES, type EventEnvelope, type EventType, eventValidator } from './events';
import { objectOf, oneOf, type Validator } from './validation';

/*
 * The single declaration of every queue and job. The API (producers, admin views) and the workers (consumers)
 * both read it, so a queue or job name, a payload shape or a retry policy exists in exactly one place.
 *
 * To add a queue (payments retry, webhook delivery, settlements, ledger…):
 *   1. add its jobs' payload types to `JobPayloads`;
 *   2. add an entry to `QUEUES` — the compiler then insists on a validator for every job;
 *   3. add one processor per job in apps/workers/src/<queue>/ — the workers refuse to start without them.
 */

// ---- payloads ----------------------------------------------------------------------------------------------

export interface VerifyAuditChainPayload {
  /** Who asked: the job scheduler, or an operator from the console. */
  trigger: 'schedule' | 'manual';
}

/** Queue name → job name → payload type. */
export interface JobPayloads {
  maintenance: {
    'verify-audit-chain': VerifyAuditChainPayload;
  };
  /** One job per outbox event; the job name is the event type. */
  events: { [T in EventType]: EventEnvelope<T> };
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
  events: {
    description: 'Domain events published by the outbox relay, fanned out to their consumers (live streams, …)',
    // Handlers are short I/O (a publish, a small transaction); bounded by the worker's 5 database connections.
    concurrency: 5,
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

export interface JobSchedule {
  /** BullMQ job scheduler id: upserting the same id from several processes keeps a single schedule. */
  id: string;
  queue: QueueName;
  job: string;
  everyMs: (config: Pick<AppConfig, 'auditVerifyEvery'>) => number;
  payload: unknown;
}

function schedule<Q extends QueueName, J extends JobName<Q>>(s: {
  id: string;
  queue: Q;
  job: J;
  everyMs: (config: Pick<AppConfig, 'auditVerifyEvery'>) => number;
  payload: JobPayload<Q, J>;
}): JobSchedule {
  return s;
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
];

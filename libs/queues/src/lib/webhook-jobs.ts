import type { JobsOptions } from 'bullmq';
import type { JobSchedule, QueueDefinition, ScheduledRunPayload } from './declarations';
import { jobId } from './job-id';
import { integer, objectOf, oneOf, optional, string } from './validation';

/** One attempt of one delivery (event × endpoint) to a merchant's webhook endpoint. */
export interface DeliverWebhookPayload {
  merchantId: string;
  deliveryId: string;
  /** The attempt number this job makes (1 for the first); part of the job id, so each attempt is enqueued once. */
  attempt: number;
  /** Times this attempt waited for a free slot of its endpoint (per-endpoint concurrency cap). */
  deferrals: number;
  /**
   * The delivery's endpoint, when the producer knows it: the job then takes its slot before touching PostgreSQL,
   * so an attempt waiting for a busy endpoint costs one Redis call, not a lease taken and given back. Jobs
   * without it (enqueued by an older release) still work: they learn it from their claim.
   */
  endpointId?: string;
}

/** Queue `webhooks`: job name → payload. */
export interface WebhookJobPayloads {
  'deliver-webhook': DeliverWebhookPayload;
  'sweep-webhook-deliveries': ScheduledRunPayload;
  'flush-api-usage': ScheduledRunPayload;
}

const HOUR_S = 3600;
const scheduledRun = objectOf<ScheduledRunPayload>({ trigger: oneOf('schedule', 'manual') });

/**
 * The delivery row in PostgreSQL is the truth (attempt count, next attempt, lease); a job only says "make attempt
 * n now". So finished jobs are dropped at once (the attempt log holds the outcome), and an infrastructure failure
 * (PostgreSQL down) is retried a few times before the sweep takes over.
 */
const DELIVERY_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: true,
};

export const WEBHOOKS_QUEUE: QueueDefinition<WebhookJobPayloads> = {
  description: 'Merchant webhook deliveries (Standard Webhooks), their recovery sweep and the API usage flush',
  // Deliveries wait on merchants' servers (up to WEBHOOK_TIMEOUT each); the database work per attempt is short.
  concurrency: 50,
  defaultJobOptions: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { count: 100, age: HOUR_S },
    removeOnFail: { count: 1000, age: 7 * 24 * HOUR_S },
  },
  jobs: {
    'deliver-webhook': {
      description: 'Makes one signed POST of an event to an endpoint, records the attempt and schedules the next one',
      validate: objectOf<DeliverWebhookPayload>({
        merchantId: string({ pattern: /^mer_[0-9A-Z]{26}$/, maxLength: 30 }),
        deliveryId: string({ pattern: /^whd_[0-9A-Z]{26}$/, maxLength: 30 }),
        attempt: integer({ min: 1, max: 1_000_000 }),
        deferrals: integer({ min: 0, max: 1_000_000 }),
        endpointId: optional(string({ pattern: /^whe_[0-9A-Z]{26}$/, maxLength: 30 })),
      }),
      options: DELIVERY_JOB_OPTIONS,
    },
    'sweep-webhook-deliveries': {
      description: 'Re-enqueues pending deliveries whose attempt is overdue (a job lost to a crash or a Redis flush)',
      validate: scheduledRun,
      options: { attempts: 1, removeOnComplete: { count: 50, age: HOUR_S }, removeOnFail: { count: 100 } },
    },
    'flush-api-usage': {
      description: 'Moves the API usage counters from Redis into PostgreSQL (developer usage figures)',
      validate: scheduledRun,
      options: { attempts: 3, removeOnComplete: { count: 50, age: HOUR_S }, removeOnFail: { count: 100 } },
    },
  },
};

export const WEBHOOK_SCHEDULES: readonly JobSchedule[] = [
  {
    id: 'sweep-webhook-deliveries',
    queue: 'webhooks',
    job: 'sweep-webhook-deliveries',
    everyMs: () => 30_000,
    payload: { trigger: 'schedule' } satisfies ScheduledRunPayload,
  },
  {
    id: 'flush-api-usage',
    queue: 'webhooks',
    job: 'flush-api-usage',
    everyMs: () => 15_000,
    payload: { trigger: 'schedule' } satisfies ScheduledRunPayload,
  },
];

/** The job id of attempt `attempt` of a delivery; a deferral (endpoint at its concurrency cap) gets its own. */
export function deliverWebhookJobId(deliveryId: string, attempt: number, deferrals = 0): string {
  return jobId('webhooks', 'deliver-webhook', deliveryId, String(attempt), String(deferrals));
}

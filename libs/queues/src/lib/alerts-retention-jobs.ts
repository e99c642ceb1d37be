import type { AppConfig } from '@lsp/platform';
// Types only: declarations.ts spreads the values below into QUEUES and JOB_SCHEDULES.
import type { JobSchedule, QueueDefinition, ScheduledRunPayload } from './declarations';
import { objectOf, oneOf, record, string } from './validation';

/** The settings the alert and retention schedules derive their intervals from. */
export type AlertsRetentionScheduleConfig = Pick<
  AppConfig,
  'alertEvaluateEveryMs' | 'alertDispatchEveryMs' | 'retentionRunEveryMs'
>;

export type AlertChannel = 'webhook' | 'log';
export const ALERT_CHANNELS: readonly AlertChannel[] = ['webhook', 'log'];

/** One alert change for one channel; `alert` is the alert as `GET /admin/alerts` showed it at dispatch. */
export interface DeliverAlertPayload {
  /** `alert_notifications.id`: with the channel, the job id, so a re-dispatched change is delivered once. */
  notificationId: string;
  channel: AlertChannel;
  kind: 'raised' | 'acknowledged' | 'resolved';
  alert: Record<string, unknown>;
}

export interface AlertsJobPayloads {
  'evaluate-alert-rules': ScheduledRunPayload;
  'dispatch-alert-notifications': ScheduledRunPayload;
}

/**
 * Deliveries have a queue of their own: BullMQ trims a queue's finished jobs to the strictest keep policy of any
 * job finishing in it, and the dispatcher finishes every second with a short one. Deliveries are kept a day, which
 * is also how long their job ids deduplicate a re-dispatched change.
 */
export interface AlertDeliveryJobPayloads {
  'deliver-alert': DeliverAlertPayload;
}

export interface RetentionJobPayloads {
  'clean-webhook-history': ScheduledRunPayload;
  'clean-health-samples': ScheduledRunPayload;
  'clean-sessions': ScheduledRunPayload;
  'clean-jobs-and-alerts': ScheduledRunPayload;
}

const HOUR_S = 3600;
const scheduledRun = objectOf<ScheduledRunPayload>({ trigger: oneOf('schedule', 'manual') });

/** A periodic run is not retried (the next tick runs again); a few finished runs are kept for the console. */
const PERIODIC = {
  attempts: 1,
  removeOnComplete: { count: 50, age: HOUR_S },
  removeOnFail: { count: 100, age: 24 * HOUR_S },
};

export const ALERTS_RETENTION_QUEUES: {
  alerts: QueueDefinition<AlertsJobPayloads>;
  'alert-deliveries': QueueDefinition<AlertDeliveryJobPayloads>;
  retention: QueueDefinition<RetentionJobPayloads>;
} = {
  alerts: {
    description: 'Alert rules, and dispatch of every alert change to the alerts stream and the delivery queue',
    // Rules and dispatch are short queries.
    concurrency: 2,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { count: 1000, age: 24 * HOUR_S },
      removeOnFail: { count: 5000, age: 7 * 24 * HOUR_S },
    },
    jobs: {
      'evaluate-alert-rules': {
        description:
          'Failed-transaction rate per merchant and per gateway, queue backlog and failure rate: raises what fires, resolves what cleared',
        validate: scheduledRun,
        options: PERIODIC,
      },
      'dispatch-alert-notifications': {
        description: 'Publishes pending alert changes on the alerts stream and enqueues one delivery per channel',
        validate: scheduledRun,
        // Runs every second: each run removes itself when done, so it never trims the rule runs' history.
        options: { ...PERIODIC, removeOnComplete: true },
      },
    },
  },
  'alert-deliveries': {
    description: 'Delivery of each alert change to each alert channel (HTTP webhook, log), retried with backoff',
    // Deliveries wait on a chat tool's HTTP answer.
    concurrency: 5,
    defaultJobOptions: {
      // 2 s … ~9 min apart (~17 min in all): outlives a chat tool's short outage.
      attempts: 10,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { count: 5000, age: 24 * HOUR_S },
      removeOnFail: { count: 5000, age: 7 * 24 * HOUR_S },
    },
    jobs: {
      'deliver-alert': {
        description: 'Sends one alert change to one channel (HTTP webhook or log), retried with backoff',
        validate: objectOf<DeliverAlertPayload>({
          notificationId: string({ pattern: /^\d{1,19}$/ }),
          channel: oneOf('webhook', 'log'),
          kind: oneOf('raised', 'acknowledged', 'resolved'),
          alert: record(),
        }),
      },
    },
  },
  retention: {
    description: 'Data retention: cleaners that delete expired rows in small batches, each reporting what it removed',
    // Cleaners delete in short transactions; one at a time per process keeps them out of the API's way.
    concurrency: 1,
    // A cleaner that failed (a database blip) is retried soon rather than an hour later.
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: { count: 100, age: 7 * 24 * HOUR_S },
      removeOnFail: { count: 100, age: 7 * 24 * HOUR_S },
    },
    jobs: {
      'clean-webhook-history': {
        description:
          'Webhook delivery attempts past RETENTION_WEBHOOK_ATTEMPTS, published events past RETENTION_EVENTS',
        validate: scheduledRun,
      },
      'clean-health-samples': {
        description: 'Gateway health samples and queue metric samples past RETENTION_SAMPLES',
        validate: scheduledRun,
      },
      'clean-sessions': {
        description: 'Refresh tokens expired or revoked more than RETENTION_SESSIONS ago',
        validate: scheduledRun,
      },
      'clean-jobs-and-alerts': {
        description:
          'Completed and failed BullMQ jobs past RETENTION_JOBS, resolved alerts past RETENTION_RESOLVED_ALERTS',
        validate: scheduledRun,
      },
    },
  },
};

const every =
  (pick: (config: AlertsRetentionScheduleConfig) => number) =>
  (config: AlertsRetentionScheduleConfig): number =>
    pick(config);

export const ALERTS_RETENTION_SCHEDULES: readonly JobSchedule[] = [
  {
    id: 'evaluate-alert-rules',
    queue: 'alerts',
    job: 'evaluate-alert-rules',
    everyMs: every((c) => c.alertEvaluateEveryMs),
    payload: { trigger: 'schedule' },
  },
  {
    id: 'dispatch-alert-notifications',
    queue: 'alerts',
    job: 'dispatch-alert-notifications',
    everyMs: every((c) => c.alertDispatchEveryMs),
    payload: { trigger: 'schedule' },
  },
  ...(['clean-webhook-history', 'clean-health-samples', 'clean-sessions', 'clean-jobs-and-alerts'] as const).map(
    (job): JobSchedule => ({
      id: job,
      queue: 'retention',
      job,
      everyMs: every((c) => c.retentionRunEveryMs),
      payload: { trigger: 'schedule' },
    }),
  ),
];

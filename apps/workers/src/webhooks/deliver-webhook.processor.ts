import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { Database, raiseAlert } from '@lsp/persistence';
import { type AppConfig, type Logger, SecretBox } from '@lsp/platform';
import { type DeliverWebhookPayload, addJob, deliverWebhookJobId } from '@lsp/queues';
import { retryDelayMs, sendWebhook, signedHeaders, webhookBody } from '@lsp/webhooks';
import { DeclaredQueues } from '../core/declared-queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, LOGGER, REDIS } from '../core/tokens';
import { EndpointSlots } from './endpoint-slots';
import {
  type ClaimedDelivery,
  abandonDelivery,
  claimAttempt,
  recordAttempt,
  releaseAttempt,
} from './webhook-deliveries.repository';

export type DeliverOutcome =
  | { outcome: 'skipped' }
  | { outcome: 'deferred' }
  | { outcome: 'abandoned' }
  | { outcome: 'succeeded' | 'failed'; status: number | null; nextAttempt: number | null };

/** How long a deferred attempt (endpoint at its concurrency cap) waits before trying for a slot again. */
const DEFER_MS = 250;

/**
 * One attempt of one delivery: lease it in PostgreSQL, take a slot of its endpoint, POST the signed event, then
 * record the attempt, move the delivery on and enqueue the next attempt — all keyed by the attempt number, so a
 * duplicate job or a job re-run after a crash makes no second record. Delivery is at least once: a worker killed
 * after the POST but before the record makes the receiver see the same `webhook-id` again.
 */
@Injectable()
@ProcessesJob('webhooks', 'deliver-webhook')
export class DeliverWebhookProcessor implements JobProcessor<'webhooks', 'deliver-webhook'> {
  private readonly box: SecretBox;
  private readonly slots: EndpointSlots;
  private readonly leaseMs: number;

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DeclaredQueues) private readonly queues: DeclaredQueues,
  ) {
    this.box = new SecretBox(config.encryptionKeys);
    // A lease outlives the longest possible attempt; after that a stalled job's attempt may be made again.
    this.leaseMs = config.webhookTimeoutMs + 15_000;
    this.slots = new EndpointSlots(redis, config, config.webhookEndpointConcurrency, this.leaseMs);
  }

  async process(payload: DeliverWebhookPayload, job: Job): Promise<DeliverOutcome> {
    const { merchantId, deliveryId, attempt } = payload;
    const delivery = await this.db.merchant(merchantId, (em) => claimAttempt(em, deliveryId, attempt, this.leaseMs));
    if (!delivery) return { outcome: 'skipped' };

    if (delivery.endpoint_status !== 'enabled') {
      await this.db.merchant(merchantId, (em) => abandonDelivery(em, deliveryId));
      return { outcome: 'abandoned' };
    }

    const holder = `${job.id ?? deliveryId}:${attempt}`;
    if (!(await this.slots.acquire(delivery.endpoint_id, holder))) {
      const at = new Date(Date.now() + DEFER_MS);
      await this.db.merchant(merchantId, (em) => releaseAttempt(em, deliveryId, at));
      await addJob(
        this.queues.get('webhooks'),
        'webhooks',
        'deliver-webhook',
        { ...payload, deferrals: payload.deferrals + 1 },
        { jobId: deliverWebhookJobId(deliveryId, attempt, payload.deferrals + 1), delay: DEFER_MS },
      );
      return { outcome: 'deferred' };
    }
    try {
      return await this.attempt(delivery, attempt);
    } finally {
      await this.slots.release(delivery.endpoint_id, holder).catch(() => undefined);
    }
  }

  private async attempt(delivery: ClaimedDelivery, attempt: number): Promise<DeliverOutcome> {
    const secrets = [this.box.open(delivery.secret_sealed)];
    // During a rotation the old secret signs too, until it expires.
    if (delivery.previous_secret_sealed && (delivery.previous_secret_expires_at?.getTime() ?? 0) > Date.now()) {
      secrets.push(this.box.open(delivery.previous_secret_sealed));
    }
    const body = webhookBody({
      id: delivery.event_id,
      type: delivery.event_type,
      occurredAt: delivery.occurred_at,
      object: delivery.payload,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await sendWebhook({
      url: delivery.url,
      headers: { ...signedHeaders(secrets, delivery.event_id, timestamp, body) },
      body,
      timeoutMs: this.config.webhookTimeoutMs,
      policy: {
        allowPrivate: this.config.webhookAllowPrivateTargets,
        requireHttps: this.config.nodeEnv === 'production',
      },
    });

    const gone = result.status === 410;
    const nextStep = delivery.schedule_step + 1;
    const delay =
      result.ok || gone ? null : retryDelayMs(this.config.webhookRetryScheduleMs, nextStep, result.retryAfterMs);
    const nextAttemptAt = delay === null ? null : new Date(Date.now() + delay);

    const health = await this.db.merchant(delivery.merchant_id, async (em) => {
      const outcome = await recordAttempt(em, {
        deliveryId: delivery.id,
        merchantId: delivery.merchant_id,
        endpointId: delivery.endpoint_id,
        eventId: delivery.event_id,
        attempt,
        url: delivery.url,
        webhookTimestamp: timestamp,
        ok: result.ok,
        status: result.status,
        latencyMs: result.latencyMs,
        excerpt: result.excerpt,
        errorClass: result.errorClass,
        nextAttemptAt,
        nextScheduleStep: nextStep,
        gone,
        disableAfterMs: this.config.webhookDisableAfterMs,
      });
      if (!outcome.recorded) return null;
      if (outcome.disabledForFailing) {
        await raiseAlert(em, {
          fingerprint: `webhook-endpoint-disabled:${delivery.endpoint_id}`,
          severity: 'warning',
          source: 'webhooks',
          title: 'Webhook endpoint disabled',
          message: `Deliveries to ${delivery.url} failed continuously since ${outcome.failingSince?.toISOString()}; the endpoint was disabled`,
          details: { endpointId: delivery.endpoint_id, url: delivery.url, failingSince: outcome.failingSince },
          merchantId: delivery.merchant_id,
        });
      }
      return outcome;
    });
    if (health === null) return { outcome: 'skipped' };
    if (health.disabled) {
      this.logger.warn({ endpointId: delivery.endpoint_id, status: result.status }, 'webhook endpoint disabled');
    }

    if (nextAttemptAt && !health.disabled) {
      await addJob(
        this.queues.get('webhooks'),
        'webhooks',
        'deliver-webhook',
        { merchantId: delivery.merchant_id, deliveryId: delivery.id, attempt: attempt + 1, deferrals: 0 },
        {
          jobId: deliverWebhookJobId(delivery.id, attempt + 1),
          delay: Math.max(0, nextAttemptAt.getTime() - Date.now()),
        },
      );
    }
    return {
      outcome: result.ok ? 'succeeded' : 'failed',
      status: result.status,
      nextAttempt: nextAttemptAt && !health.disabled ? attempt + 1 : null,
    };
  }
}

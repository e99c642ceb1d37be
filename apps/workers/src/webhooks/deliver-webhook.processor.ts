import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { EntityManager } from 'typeorm';
import type { Redis } from 'ioredis';
import { newId } from '@lsp/domain';
import { Database, raiseAlert } from '@lsp/persistence';
import { type AppConfig, type Logger, SecretBox } from '@lsp/platform';
import { type DeliverWebhookPayload, addJob, deliverWebhookJobId } from '@lsp/queues';
import { retryDelayMs, sendWebhook, signedHeaders, webhookBody } from '@lsp/webhooks';
import { DeclaredQueues } from '../core/declared-queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { MicroBatcher } from '../core/micro-batcher';
import { APP_CONFIG, LOGGER, REDIS } from '../core/tokens';
import { EndpointSlots } from './endpoint-slots';
import {
  type AttemptClaim,
  type AttemptRecord,
  type ClaimedDelivery,
  type RecordOutcome,
  abandonDelivery,
  claimAttempts,
  isRetryableTransactionError,
  recordAttempts,
  releaseAttempt,
} from './webhook-deliveries.repository';

export type DeliverOutcome =
  | { outcome: 'skipped' }
  | { outcome: 'deferred' }
  | { outcome: 'abandoned' }
  | { outcome: 'succeeded' | 'failed'; status: number | null; nextAttempt: number | null };

/** How long a deferred attempt (endpoint at its concurrency cap) waits before trying for a slot again. */
const DEFER_MS = 250;
/** Claims or records of concurrent jobs sent to PostgreSQL in one statement (the queue's concurrency bounds it). */
const MAX_BATCH = 200;
/** Tries of a batch transaction that PostgreSQL rolled back as a deadlock or serialization failure. */
const TRANSACTION_TRIES = 3;
/** Opened endpoint secrets kept in memory (keyed by the sealed text, so a rotated secret is a new entry). */
const MAX_OPENED_SECRETS = 10_000;

/**
 * One attempt of one delivery: lease it in PostgreSQL, take a slot of its endpoint, POST the signed event, then
 * record the attempt, move the delivery on and enqueue the next attempt — all keyed by the attempt number, so a
 * duplicate job or a job re-run after a crash makes no second record. Delivery is at least once: a worker killed
 * after the POST but before the record makes the receiver see the same `webhook-id` again.
 *
 * The round trips are what a delivery costs, so the process's concurrent jobs share them: their leases are taken
 * in one statement, their slots in one Redis call, their attempts recorded in one transaction (MicroBatcher).
 */
@Injectable()
@ProcessesJob('webhooks', 'deliver-webhook')
export class DeliverWebhookProcessor implements JobProcessor<'webhooks', 'deliver-webhook'> {
  private readonly box: SecretBox;
  private readonly slots: EndpointSlots;
  private readonly leaseMs: number;
  private readonly claims: MicroBatcher<AttemptClaim, ClaimedDelivery | undefined>;
  private readonly records: MicroBatcher<AttemptRecord, RecordOutcome>;
  private readonly openedSecrets = new Map<string, string>();

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
    // Platform scope, as the sweep: each claim and record names its merchant and matches it in SQL.
    this.claims = new MicroBatcher(
      (claims) => this.inTransaction((em) => claimAttempts(em, claims, this.leaseMs)),
      MAX_BATCH,
    );
    this.records = new MicroBatcher((records) => this.inTransaction((em) => this.record(em, records)), MAX_BATCH);
  }

  private async inTransaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.db.platform(work);
      } catch (err) {
        if (tries >= TRANSACTION_TRIES || !isRetryableTransactionError(err)) throw err;
      }
    }
  }

  private async record(em: EntityManager, records: AttemptRecord[]): Promise<RecordOutcome[]> {
    const outcomes = await recordAttempts(em, records, this.config.webhookDisableAfterMs);
    for (const [i, outcome] of outcomes.entries()) {
      if (!outcome.recorded || !outcome.disabledForFailing) continue;
      const r = records[i];
      await raiseAlert(em, {
        fingerprint: `webhook-endpoint-disabled:${r.endpointId}`,
        severity: 'warning',
        source: 'webhooks',
        title: 'Webhook endpoint disabled',
        message: `Deliveries to ${r.url} failed continuously since ${outcome.failingSince?.toISOString()}; the endpoint was disabled`,
        details: { endpointId: r.endpointId, url: r.url, failingSince: outcome.failingSince },
        merchantId: r.merchantId,
      });
    }
    return outcomes;
  }

  /** The plaintext of a sealed secret, opened once per process (the sealed text changes with the secret). */
  private open(sealed: string): string {
    let secret = this.openedSecrets.get(sealed);
    if (secret === undefined) {
      if (this.openedSecrets.size >= MAX_OPENED_SECRETS) this.openedSecrets.clear();
      secret = this.box.open(sealed);
      this.openedSecrets.set(sealed, secret);
    }
    return secret;
  }

  async process(payload: DeliverWebhookPayload, job: Job): Promise<DeliverOutcome> {
    const { merchantId, deliveryId, attempt } = payload;
    const delivery = await this.claims.submit({ deliveryId, merchantId, attempt });
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
    const secrets = [this.open(delivery.secret_sealed)];
    // During a rotation the old secret signs too, until it expires.
    if (delivery.previous_secret_sealed && (delivery.previous_secret_expires_at?.getTime() ?? 0) > Date.now()) {
      secrets.push(this.open(delivery.previous_secret_sealed));
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

    const health = await this.records.submit({
      attemptId: newId('webhookAttempt'),
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
    });
    if (!health.recorded) return { outcome: 'skipped' };
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

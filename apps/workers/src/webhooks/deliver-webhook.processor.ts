import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { EntityManager } from 'typeorm';
import type { Redis } from 'ioredis';
import { newId } from '@lsp/domain';
import { Database, raiseAlert } from '@lsp/persistence';
import { type AppConfig, type Logger, SecretBox } from '@lsp/platform';
import { type DeliverWebhookPayload, addJob, deliverWebhookJobId } from '@lsp/queues';
import {
  type ResolveHost,
  deferralDelayMs,
  resolveHost,
  retryDelayMs,
  sendWebhook,
  signedHeaders,
  webhookBody,
} from '@lsp/webhooks';
import { DeclaredQueues } from '../core/declared-queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { MicroBatcher } from '../core/micro-batcher';
import { APP_CONFIG, LOGGER, REDIS } from '../core/tokens';
import { EndpointSlots } from './endpoint-slots';
import {
  type AttemptClaim,
  type AttemptRecord,
  type ClaimedDelivery,
  type Postponement,
  type RecordOutcome,
  abandonDelivery,
  claimAttempts,
  isRetryableTransactionError,
  postponeAttempts,
  recordAttempts,
  releaseAttempt,
} from './webhook-deliveries.repository';

export type DeliverOutcome =
  | { outcome: 'skipped' }
  | { outcome: 'deferred' }
  | { outcome: 'abandoned' }
  | { outcome: 'succeeded' | 'failed'; status: number | null; nextAttempt: number | null };

/** Claims or records of concurrent jobs sent to PostgreSQL in one statement (the queue's concurrency bounds it). */
const MAX_BATCH = 200;
/** Tries of a batch transaction that PostgreSQL rolled back as a deadlock or serialization failure. */
const TRANSACTION_TRIES = 3;
/** Opened endpoint secrets kept in memory (keyed by the sealed text, so a rotated secret is a new entry). */
const MAX_OPENED_SECRETS = 10_000;

/**
 * One attempt of one delivery: take a slot of its endpoint and merchant, lease it in PostgreSQL, POST the signed
 * event, then record the attempt, move the delivery on and enqueue the next attempt — all keyed by the attempt
 * number, so a duplicate job or a job re-run after a crash makes no second record. Delivery is at least once: a
 * worker killed after the POST but before the record makes the receiver see the same `webhook-id` again.
 *
 * The slot comes first (the job names its endpoint), so an attempt waiting behind a slow endpoint costs a Redis
 * call and a re-enqueue with a growing delay (`deferralDelayMs`), not a lease taken and given back every 250 ms.
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
  private readonly postponements: MicroBatcher<Postponement, void>;
  private readonly openedSecrets = new Map<string, string>();
  /** The DNS a delivery's host name is resolved with (and its answer checked against the SSRF guard). */
  resolveHost: ResolveHost = resolveHost;

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
    this.slots = new EndpointSlots(
      redis,
      config,
      { endpoint: config.webhookEndpointConcurrency, merchant: config.webhookMerchantConcurrency },
      this.leaseMs,
    );
    // Platform scope, as the sweep: each claim and record names its merchant and matches it in SQL.
    this.claims = new MicroBatcher(
      (claims) => this.inTransaction((em) => claimAttempts(em, claims, this.leaseMs)),
      MAX_BATCH,
    );
    this.records = new MicroBatcher((records) => this.inTransaction((em) => this.record(em, records)), MAX_BATCH);
    this.postponements = new MicroBatcher(
      (postponements) => this.inTransaction((em) => postponeAttempts(em, postponements)),
      MAX_BATCH,
    );
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
    const holder = `${job.id ?? deliveryId}:${attempt}`;
    // The endpoint whose slot (and its merchant's) this job holds.
    let held: string | undefined;
    if (payload.endpointId) {
      if (!(await this.slots.acquire(payload.endpointId, merchantId, holder))) return this.defer(payload, false);
      held = payload.endpointId;
    }
    try {
      const delivery = await this.claims.submit({ deliveryId, merchantId, attempt });
      if (!delivery) return { outcome: 'skipped' };

      if (delivery.endpoint_status !== 'enabled') {
        await this.db.merchant(merchantId, (em) => abandonDelivery(em, deliveryId));
        return { outcome: 'abandoned' };
      }

      // A job that did not name the delivery's endpoint (an older producer's) takes its slot now, holding the lease.
      if (held !== delivery.endpoint_id) {
        if (held) await this.slots.release(held, merchantId, holder);
        held = undefined;
        if (!(await this.slots.acquire(delivery.endpoint_id, merchantId, holder))) {
          return this.defer({ ...payload, endpointId: delivery.endpoint_id }, true);
        }
        held = delivery.endpoint_id;
      }
      return await this.attempt(delivery, attempt);
    } finally {
      if (held) await this.slots.release(held, merchantId, holder).catch(() => undefined);
    }
  }

  /**
   * Tries the attempt again later, its endpoint or merchant having no free slot: a deferral, not an attempt (it
   * spends nothing of the retry schedule). The due time in PostgreSQL moves with it, so the sweep leaves it alone;
   * `leased` says whether this job holds the attempt's lease, to be given back.
   */
  private async defer(payload: DeliverWebhookPayload, leased: boolean): Promise<DeliverOutcome> {
    const { merchantId, deliveryId, attempt } = payload;
    const deferrals = payload.deferrals + 1;
    const delay = deferralDelayMs(payload.deferrals);
    const at = new Date(Date.now() + delay);
    if (leased) await this.db.merchant(merchantId, (em) => releaseAttempt(em, deliveryId, at));
    else await this.postponements.submit({ deliveryId, merchantId, attempt, at });
    await addJob(
      this.queues.get('webhooks'),
      'webhooks',
      'deliver-webhook',
      { ...payload, deferrals },
      { jobId: deliverWebhookJobId(deliveryId, attempt, deferrals), delay },
    );
    return { outcome: 'deferred' };
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
      resolve: (host) => this.resolveHost(host),
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
        {
          merchantId: delivery.merchant_id,
          deliveryId: delivery.id,
          attempt: attempt + 1,
          deferrals: 0,
          endpointId: delivery.endpoint_id,
        },
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

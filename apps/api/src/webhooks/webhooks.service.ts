import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ListResponse,
  RedeliveryResult,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
  WebhookEventView,
  WebhookTestResult,
} from '@lsp/contracts';
import { newId, ulid } from '@lsp/domain';
import { Database, resolveAlertByFingerprint } from '@lsp/persistence';
import { type AppConfig, SecretBox } from '@lsp/platform';
import { TEST_EVENT_TYPE, generateWebhookSecret, sendWebhook, signedHeaders, webhookBody } from '@lsp/webhooks';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import { APP_CONFIG } from '../core/infra/tokens';
import { DEFAULT_PAGE_SIZE, toListResponse } from '../core/http/pagination';
import type {
  CreateWebhookEndpointDto,
  ListEventsQueryDto,
  ListWebhookEndpointsQueryDto,
  UpdateWebhookEndpointDto,
} from './dto/webhooks.dto';
import { WebhookHostResolver, assertWebhookTarget, targetPolicy } from './target-check';
import { WebhookDeliveryQueue } from './webhook-delivery-queue';
import { toDeliveryView, toEndpointView, toEventView } from './webhook.views';
import { type EndpointRow, WebhooksRepository } from './webhooks.repository';

/** Events are kept, and listed, for 30 days. */
const EVENT_RETENTION_MS = 30 * 86_400_000;
const ZERO_RANDOM = (size: number): Uint8Array => new Uint8Array(size);

/** The smallest event id made at or after `ms`: ids are ULIDs, so a time range is an id range on the index. */
function eventIdFloor(ms: number): string {
  return `evt_${ulid(Math.max(0, ms), ZERO_RANDOM)}`;
}

@Injectable()
export class WebhooksService {
  private readonly box: SecretBox;

  constructor(
    private readonly db: Database,
    private readonly repo: WebhooksRepository,
    private readonly audit: AuditService,
    private readonly deliveries: WebhookDeliveryQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dns: WebhookHostResolver,
  ) {
    this.box = new SecretBox(config.encryptionKeys);
  }

  // ---- endpoints -------------------------------------------------------------------------------------------

  async create(merchantId: string, input: CreateWebhookEndpointDto, actor: Actor): Promise<WebhookEndpointWithSecret> {
    await assertWebhookTarget(input.url, targetPolicy(this.config), (host) => this.dns.resolve(host));
    const secret = generateWebhookSecret();
    const view = await this.db.merchant(merchantId, async (em) => {
      // The merchant row lock serialises concurrent creates, so the limit holds.
      if (!(await this.repo.merchantExists(em, merchantId, true))) throw ApiException.notFound('merchant', merchantId);
      if ((await this.repo.countEndpoints(em, merchantId)) >= this.config.webhookMaxEndpoints) {
        throw ApiException.invalid(
          'url',
          `A merchant may register at most ${this.config.webhookMaxEndpoints} webhook endpoints; delete one first`,
          'endpoint_limit_reached',
        );
      }
      const row = await this.repo.insertEndpoint(em, {
        id: newId('webhookEndpoint'),
        merchantId,
        url: input.url,
        description: input.description ?? null,
        events: [...new Set(input.events)],
        secretSealed: this.box.seal(secret),
      });
      const created = toEndpointView(row);
      await this.audit.record(em, actor, {
        action: 'webhook_endpoint.create',
        objectType: 'webhook_endpoint',
        objectId: created.id,
        before: null,
        after: created,
      });
      return created;
    });
    return { ...view, secret };
  }

  async list(merchantId: string, query: ListWebhookEndpointsQueryDto): Promise<ListResponse<WebhookEndpointView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.merchant(merchantId, (em) =>
      this.repo.listEndpoints(em, merchantId, limit, query.startingAfter),
    );
    return toListResponse(rows, limit, toEndpointView);
  }

  async get(merchantId: string, id: string): Promise<WebhookEndpointView> {
    const row = await this.db.merchant(merchantId, (em) => this.repo.findEndpoint(em, merchantId, id));
    if (!row) throw ApiException.notFound('webhook endpoint', id);
    return toEndpointView(row);
  }

  async update(
    merchantId: string,
    id: string,
    patch: UpdateWebhookEndpointDto,
    actor: Actor,
  ): Promise<WebhookEndpointView> {
    if (patch.url !== undefined) {
      await assertWebhookTarget(patch.url, targetPolicy(this.config), (host) => this.dns.resolve(host));
    }
    return this.mutate(merchantId, id, actor, 'webhook_endpoint.update', async (em, before) => {
      const after = await this.repo.updateEndpoint(em, id, {
        url: patch.url,
        description: patch.description,
        events: patch.events ? [...new Set(patch.events)] : undefined,
        status: patch.status !== undefined && patch.status !== before.status ? patch.status : undefined,
      });
      if (before.status !== 'enabled' && after.status === 'enabled') {
        await resolveAlertByFingerprint(em, `webhook-endpoint-disabled:${id}`, actor.actorId ?? 'merchant');
      }
      return after;
    });
  }

  /** Kept as a row (deliveries and attempts refer to it) but never shown or called again. */
  async remove(
    merchantId: string,
    id: string,
    actor: Actor,
  ): Promise<{ id: string; object: 'webhook_endpoint'; deleted: true }> {
    await this.mutate(merchantId, id, actor, 'webhook_endpoint.delete', (em) =>
      this.repo.updateEndpoint(em, id, { status: 'deleted' }),
    );
    return { id, object: 'webhook_endpoint', deleted: true };
  }

  /**
   * A new secret; the current one keeps signing beside it for WEBHOOK_SECRET_ROTATION_GRACE so receivers can switch
   * without losing a delivery. A second rotation within the grace drops the oldest secret.
   */
  async rotateSecret(merchantId: string, id: string, actor: Actor): Promise<WebhookEndpointWithSecret> {
    const secret = generateWebhookSecret();
    const view = await this.mutate(merchantId, id, actor, 'webhook_endpoint.rotate_secret', (em, before) =>
      this.repo.updateEndpoint(em, id, {
        secretSealed: this.box.seal(secret),
        previousSecretSealed: before.secret_sealed,
        previousSecretExpiresAt: new Date(Date.now() + this.config.webhookSecretRotationGraceMs),
      }),
    );
    return { ...view, secret };
  }

  private mutate(
    merchantId: string,
    id: string,
    actor: Actor,
    action: string,
    change: (em: EntityManager, before: EndpointRow) => Promise<EndpointRow>,
  ): Promise<WebhookEndpointView> {
    return this.db.merchant(merchantId, async (em) => {
      const before = await this.repo.findEndpoint(em, merchantId, id, true);
      if (!before) throw ApiException.notFound('webhook endpoint', id);
      const after = await change(em, before);
      const [b, a] = [toEndpointView(before), toEndpointView(after)];
      await this.audit.record(em, actor, { action, objectType: 'webhook_endpoint', objectId: id, before: b, after: a });
      return a;
    });
  }

  // ---- events and deliveries -------------------------------------------------------------------------------

  async listEvents(merchantId: string, query: ListEventsQueryDto): Promise<ListResponse<WebhookEventView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const retained = Date.now() - EVENT_RETENTION_MS;
    const from = Math.max(retained, query.createdFrom ? Date.parse(query.createdFrom) : 0);
    const rows = await this.db.merchant(merchantId, (em) =>
      this.repo.listEvents(
        em,
        merchantId,
        {
          type: query.type,
          fromId: eventIdFloor(from),
          toId: query.createdTo ? eventIdFloor(Date.parse(query.createdTo)) : null,
          startingAfter: query.startingAfter,
        },
        limit,
      ),
    );
    return toListResponse(rows, limit, toEventView);
  }

  async getEvent(merchantId: string, id: string): Promise<WebhookEventView> {
    const row = await this.db.merchant(merchantId, (em) => this.repo.findEvent(em, merchantId, id));
    if (!row) throw ApiException.notFound('event', id);
    return toEventView(row);
  }

  async deliveriesOf(merchantId: string, eventId: string): Promise<ListResponse<WebhookDeliveryView>> {
    return this.db.merchant(merchantId, async (em) => {
      if (!(await this.repo.findEvent(em, merchantId, eventId))) throw ApiException.notFound('event', eventId);
      const rows = await this.repo.deliveriesOf(em, merchantId, eventId);
      const attempts = await this.repo.attemptsOf(
        em,
        rows.map((r) => r.id),
      );
      return { object: 'list' as const, data: rows.map((r) => toDeliveryView(r, attempts)), hasMore: false };
    });
  }

  /** New attempts of an event's deliveries now, with the same `webhook-id` (the event id). */
  async redeliverEvent(
    merchantId: string,
    eventId: string,
    endpointId: string | undefined,
    actor: Actor,
  ): Promise<RedeliveryResult> {
    const result = await this.db.merchant(merchantId, async (em) => {
      const event = await this.repo.findEvent(em, merchantId, eventId);
      if (!event) throw ApiException.notFound('event', eventId);
      if (endpointId) {
        if (!(await this.repo.findEndpoint(em, merchantId, endpointId))) {
          throw ApiException.invalid('endpointId', `No such webhook endpoint: '${endpointId}'`, 'resource_missing');
        }
        await this.repo.ensureDelivery(em, {
          id: newId('webhookDelivery'),
          merchantId,
          eventId,
          endpointId,
          eventType: event.type,
        });
      }
      const restarted = await this.repo.restartDeliveries(em, merchantId, { eventId, endpointId });
      await this.audit.record(em, actor, {
        action: 'event.redeliver',
        objectType: 'event',
        objectId: eventId,
        before: null,
        after: { endpointId: endpointId ?? null, redelivered: restarted.restarted.length },
      });
      return restarted;
    });
    await this.deliveries.attemptNow(merchantId, result.restarted);
    return { object: 'redelivery', redelivered: result.restarted.length, skipped: result.skipped };
  }

  /** "Redeliver all failed since T" for one endpoint. */
  async redeliverFailed(merchantId: string, endpointId: string, since: Date, actor: Actor): Promise<RedeliveryResult> {
    const result = await this.db.merchant(merchantId, async (em) => {
      if (!(await this.repo.findEndpoint(em, merchantId, endpointId))) {
        throw ApiException.notFound('webhook endpoint', endpointId);
      }
      const restarted = await this.repo.restartDeliveries(em, merchantId, { endpointId, failedSince: since });
      await this.audit.record(em, actor, {
        action: 'webhook_endpoint.redeliver_failed',
        objectType: 'webhook_endpoint',
        objectId: endpointId,
        before: null,
        after: { since: since.toISOString(), redelivered: restarted.restarted.length },
      });
      return restarted;
    });
    await this.deliveries.attemptNow(merchantId, result.restarted);
    return { object: 'redelivery', redelivered: result.restarted.length, skipped: result.skipped };
  }

  // ---- test event ------------------------------------------------------------------------------------------

  /** Sends a signed event to the endpoint now and reports the receiver's answer; nothing is stored or retried. */
  async sendTest(merchantId: string, endpointId: string, eventType = TEST_EVENT_TYPE): Promise<WebhookTestResult> {
    const endpoint = await this.db.merchant(merchantId, (em) => this.repo.findEndpoint(em, merchantId, endpointId));
    if (!endpoint)
      throw ApiException.invalid('endpointId', `No such webhook endpoint: '${endpointId}'`, 'resource_missing');
    const secrets = [this.box.open(endpoint.secret_sealed)];
    if (endpoint.previous_secret_sealed && (endpoint.previous_secret_expires_at?.getTime() ?? 0) > Date.now()) {
      secrets.push(this.box.open(endpoint.previous_secret_sealed));
    }
    const eventId = newId('event');
    const body = webhookBody({
      id: eventId,
      type: eventType,
      occurredAt: new Date(),
      object: { object: 'test', endpointId, livemode: false, message: 'A test event sent from the developer area' },
    });
    const result = await sendWebhook({
      url: endpoint.url,
      headers: { ...signedHeaders(secrets, eventId, Math.floor(Date.now() / 1000), body) },
      body,
      timeoutMs: this.config.webhookTimeoutMs,
      policy: targetPolicy(this.config),
      resolve: (host) => this.dns.resolve(host),
    });
    return {
      object: 'webhook_test',
      endpointId,
      eventId,
      eventType,
      ok: result.ok,
      status: result.status,
      latencyMs: result.latencyMs,
      responseExcerpt: result.excerpt,
      errorClass: result.errorClass,
    };
  }
}

import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { EntityManager } from 'typeorm';
import { type GatewayWebhookEvent, adapterFor, isWebhookParseFailure } from '@lsp/gateways';
import {
  GatewayDirectory,
  type GatewayRecord,
  PaymentProcessor,
  RefundProcessor,
  paymentsRepository as repo,
} from '@lsp/payments';
import { isId } from '@lsp/domain';
import { Database, sql } from '@lsp/persistence';
import { Public } from '../auth/access.decorators';
import { ApiException } from '../core/http/api.exception';

/**
 * Incoming gateway callbacks (API.md §6). The signature is checked on the raw bytes as received; each provider
 * event is recorded once (its id is the primary key), so a duplicate or replayed callback changes nothing. An
 * unsigned event (PhonePe v2) is recorded only once its status call confirmed it: `unconfirmed` leaves no trace, and
 * a failed status call answers 503 so that the provider delivers it again.
 */
@ApiTags('gateway webhooks')
@Controller('api/v1/webhooks/gateways')
export class GatewayWebhooksController {
  constructor(
    private readonly gateways: GatewayDirectory,
    private readonly processor: PaymentProcessor,
    private readonly refunds: RefundProcessor,
    private readonly db: Database,
  ) {}

  @Post(':code')
  @HttpCode(200)
  @Public()
  @ApiExcludeEndpoint()
  async receive(
    @Param('code') code: string,
    @Req() request: FastifyRequest & { rawBody?: Buffer },
  ): Promise<{ received: true; outcome: string }> {
    const gateway = await this.gateways.byCode(code);
    if (!gateway) throw ApiException.notFound('gateway', code.slice(0, 40));
    const adapter = adapterFor(gateway.provider);
    const rawBody = request.rawBody?.toString('utf8') ?? '';
    const ctx = this.processor.context(gateway);
    if (!adapter.verifyWebhook({ headers: request.headers, rawBody }, ctx)) {
      throw ApiException.unauthenticated('Webhook signature does not verify', 'invalid_signature');
    }
    const event = adapter.parseWebhook({ headers: request.headers, rawBody }, ctx);
    if (isWebhookParseFailure(event)) {
      // A signed event type we do not act on is acknowledged, or the gateway would retry it forever.
      if (event.error === 'unsupported_event') return { received: true, outcome: 'unsupported_event' };
      throw ApiException.invalid('body', `Unreadable webhook: ${event.message}`);
    }
    // A provider that signs no body (PhonePe v2) is believed only after its status API confirms the outcome.
    let confirmed: GatewayWebhookEvent = event;
    if (event.requiresStatusConfirmation) {
      // A redelivery of an event already acted on needs no second status call.
      if (await this.alreadyRecorded(gateway.id, event.providerEventId))
        return { received: true, outcome: 'duplicate' };
      const confirmation = await this.confirmByStatusQuery(gateway, event);
      // The gateway could not tell us: a non-2xx answer asks the provider to deliver the event again (§3).
      if (confirmation === 'status_unavailable') {
        throw ApiException.unavailable('The gateway status API did not answer; deliver the event again later');
      }
      // Not recorded: the event id is derived from (event, id, state), so a forged or early callback that left a
      // dedupe row would make the genuine delivery of the same id a `duplicate`.
      if (confirmation === 'unconfirmed') return { received: true, outcome: 'unconfirmed' };
      confirmed = confirmation;
    }
    // Dedupe, state change and receipt commit together: a crash between them cannot lose or double-apply.
    // Nothing inside may take a second pool connection (see PaymentProcessor.applyGatewayOutcomeIn).
    const outcome = await this.db.platform(async (em) => {
      const first = await sql(
        em,
        // An `unconfirmed` row can only be a leftover of the time such events were recorded: it blocks nothing.
        `INSERT INTO gateway_webhook_events (gateway_id, provider_event_id, payload) VALUES ($1, $2, $3)
         ON CONFLICT (gateway_id, provider_event_id) DO UPDATE SET payload = EXCLUDED.payload, received_at = now(), outcome = NULL
         WHERE gateway_webhook_events.outcome = 'unconfirmed' RETURNING provider_event_id`,
        [gateway.id, event.providerEventId, rawBody.length ? rawBody : '{}'],
      );
      if (!first.length) return 'duplicate';
      const applied = await this.apply(em, gateway.id, confirmed);
      await sql(em, `UPDATE gateway_webhook_events SET outcome = $3 WHERE gateway_id = $1 AND provider_event_id = $2`, [
        gateway.id,
        event.providerEventId,
        applied,
      ]);
      return applied;
    });
    return { received: true, outcome };
  }

  private async apply(em: EntityManager, gatewayId: string, event: GatewayWebhookEvent): Promise<string> {
    // PhonePe v1 callbacks name only the merchant transaction id, which is ours: an attempt's id for a payment, a
    // refund's id for a refund. Read as a payment, a refund callback would be lost as `unknown_attempt`.
    if (event.kind === 'payment' && isId('refund', event.attemptId)) {
      return this.apply(em, gatewayId, {
        ...event,
        kind: 'refund',
        refundId: event.attemptId,
        attemptId: undefined,
        gatewayRefundReference: event.gatewayReference,
        gatewayReference: undefined,
      });
    }
    if (event.kind === 'refund') {
      // Our refund id when the provider echoes it, else the provider's refund reference.
      const [refund] = await sql<{ id: string }>(
        em,
        `SELECT id FROM refunds WHERE id = $1 OR (gateway_refund_reference IS NOT NULL AND gateway_refund_reference = $2) LIMIT 1`,
        [event.refundId ?? '', event.gatewayRefundReference ?? ''],
      );
      if (!refund) return 'unknown_refund';
      const settled = await this.refunds.settle(
        em,
        refund.id,
        event.status === 'succeeded' ? 'succeeded' : 'failed_permanent',
        event.gatewayRefundReference ?? null,
        event.errorCode,
        event.errorMessage,
      );
      return `refund_${settled.status}`;
    }
    // Some providers' payment events name only their own reference (Razorpay's order id), not our attempt.
    const attemptId =
      event.attemptId ??
      (
        await sql<{ id: string }>(
          em,
          `SELECT id FROM payment_attempts WHERE gateway_id = $1 AND gateway_reference = $2 ORDER BY attempt_number DESC LIMIT 1`,
          [gatewayId, event.gatewayReference ?? ''],
        )
      )[0]?.id;
    if (!attemptId) return 'unknown_attempt';
    return this.processor.applyGatewayOutcomeIn(em, attemptId, {
      status: event.status,
      amount: event.amount,
      currency: event.currency,
      gatewayReference: event.gatewayReference,
      errorCode: event.errorCode,
      errorMessage: event.errorMessage,
    });
  }

  private async alreadyRecorded(gatewayId: string, providerEventId: string): Promise<boolean> {
    const rows = await this.db.platform((em) =>
      sql(
        em,
        `SELECT 1 FROM gateway_webhook_events WHERE gateway_id = $1 AND provider_event_id = $2 AND outcome IS DISTINCT FROM 'unconfirmed'`,
        [gatewayId, providerEventId],
      ),
    );
    return rows.length > 0;
  }

  /**
   * Replaces an unsigned event's claims by what the gateway's status API says. `unconfirmed`: the gateway does not
   * (yet) report a final outcome, or the event names nothing of ours; `status_unavailable`: the status call failed.
   */
  private async confirmByStatusQuery(
    gateway: GatewayRecord,
    event: GatewayWebhookEvent,
  ): Promise<GatewayWebhookEvent | 'unconfirmed' | 'status_unavailable'> {
    return event.kind === 'refund' ? this.confirmRefund(gateway, event) : this.confirmPayment(gateway, event);
  }

  private async confirmPayment(
    gateway: GatewayRecord,
    event: GatewayWebhookEvent,
  ): Promise<GatewayWebhookEvent | 'unconfirmed' | 'status_unavailable'> {
    if (!event.attemptId) return 'unconfirmed';
    const found = await this.db.platform(async (em) => {
      const attempt = await repo.findAttempt(em, event.attemptId as string);
      const payment = attempt && (await repo.findPayment(em, attempt.payment_id));
      return attempt && payment ? { attempt, payment } : null;
    });
    if (!found) return 'unconfirmed';
    const status = await adapterFor(gateway.provider).getPaymentStatus(
      {
        attemptId: found.attempt.id,
        attemptNumber: found.attempt.attempt_number,
        gatewayReference: found.attempt.gateway_reference,
        amount: Number(found.payment.amount),
        currency: found.payment.currency,
      },
      this.processor.context(gateway),
    );
    if (status.status === 'unknown') return 'status_unavailable';
    if (status.status !== 'succeeded' && status.status !== 'failed_permanent') return 'unconfirmed';
    return {
      ...event,
      status: status.status === 'succeeded' ? 'succeeded' : 'failed',
      amount: status.amount,
      currency: status.currency,
      gatewayReference: status.gatewayReference ?? event.gatewayReference,
      errorCode: status.errorCode,
      errorMessage: status.errorMessage,
    };
  }

  /** Our refund id is the provider's merchant refund id, so the refund status call asks about exactly this one. */
  private async confirmRefund(
    gateway: GatewayRecord,
    event: GatewayWebhookEvent,
  ): Promise<GatewayWebhookEvent | 'unconfirmed' | 'status_unavailable'> {
    if (!event.refundId) return 'unconfirmed';
    const found = await this.db.platform(async (em) => {
      const refund = await repo.findRefund(em, event.refundId as string);
      const payment = refund && (await repo.findPayment(em, refund.payment_id));
      if (!refund || !payment || payment.gateway_id !== gateway.id) return null;
      const captured = (await repo.attemptsOf(em, [payment.id])).find((a) => a.status === 'succeeded');
      return { refund, payment, captured };
    });
    if (!found) return 'unconfirmed';
    const { refund, payment, captured } = found;
    const status = await adapterFor(gateway.provider).getRefundStatus(
      {
        refundId: refund.id,
        paymentId: payment.id,
        attemptId: captured?.id ?? '',
        gatewayReference: captured?.gateway_reference ?? payment.gateway_reference ?? '',
        gatewayRefundReference: refund.gateway_refund_reference,
        amount: Number(refund.amount),
        currency: refund.currency,
      },
      this.processor.context(gateway),
    );
    if (status.status === 'unknown') return 'status_unavailable';
    if (status.status !== 'succeeded' && status.status !== 'failed_permanent') return 'unconfirmed';
    return {
      ...event,
      status: status.status === 'succeeded' ? 'succeeded' : 'failed',
      gatewayRefundReference: status.gatewayRefundReference ?? event.gatewayRefundReference,
      errorCode: status.errorCode,
      errorMessage: status.errorMessage,
    };
  }
}

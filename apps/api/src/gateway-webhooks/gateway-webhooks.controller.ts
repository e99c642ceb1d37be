import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { adapterFor, isWebhookParseFailure } from '@lsp/gateways';
import { GatewayDirectory, PaymentProcessor } from '@lsp/payments';
import { Database, sql } from '@lsp/persistence';
import { Public } from '../auth/access.decorators';
import { ApiException } from '../core/http/api.exception';

/**
 * Incoming gateway callbacks (API.md §6). The signature is checked on the raw bytes as received; each provider
 * event is recorded once (its id is the primary key), so a duplicate or replayed callback changes nothing.
 */
@ApiTags('gateway webhooks')
@Controller('api/v1/webhooks/gateways')
export class GatewayWebhooksController {
  constructor(
    private readonly gateways: GatewayDirectory,
    private readonly processor: PaymentProcessor,
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
    // Dedupe, state change and receipt commit together: a crash between them cannot lose or double-apply.
    const outcome = await this.db.platform(async (em) => {
      const first = await sql(
        em,
        `INSERT INTO gateway_webhook_events (gateway_id, provider_event_id, payload) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING provider_event_id`,
        [gateway.id, event.providerEventId, rawBody.length ? rawBody : '{}'],
      );
      if (!first.length) return 'duplicate';
      const applied =
        event.kind === 'payment' && event.attemptId
          ? await this.processor.applyGatewayOutcomeIn(em, event.attemptId, {
              status: event.status,
              amount: event.amount,
              currency: event.currency,
              gatewayReference: event.gatewayReference,
              errorCode: event.errorCode,
              errorMessage: event.errorMessage,
            })
          : 'ignored';
      await sql(em, `UPDATE gateway_webhook_events SET outcome = $3 WHERE gateway_id = $1 AND provider_event_id = $2`, [
        gateway.id,
        event.providerEventId,
        applied,
      ]);
      return applied;
    });
    return { received: true, outcome };
  }
}

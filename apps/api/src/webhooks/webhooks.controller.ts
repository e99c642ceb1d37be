import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type {
  ListResponse,
  RedeliveryResult,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
  WebhookEventView,
  WebhookTestResult,
} from '@lsp/contracts';
import { CurrentActor, CurrentPrincipal, MerchantAccess, RolesOrMerchant } from '../auth/access.decorators';
import type { Actor, Principal } from '../auth/principal';
import { IdParam } from '../core/http/id.pipe';
import { actingMerchantId } from './acting-merchant';
import {
  CreateWebhookEndpointDto,
  ListEventsQueryDto,
  ListWebhookEndpointsQueryDto,
  MerchantScopeQueryDto,
  RedeliverEventDto,
  RedeliverFailedDto,
  SendTestWebhookDto,
  UpdateWebhookEndpointDto,
} from './dto/webhooks.dto';
import { WebhooksService } from './webhooks.service';

/**
 * API.md §8: a merchant's webhook endpoints (its API key or its console users; admins act for a merchant with
 * `?merchantId=`, support staff may read).
 */
@ApiTags('webhooks')
@Controller('api/v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @RolesOrMerchant('admin')
  create(
    @Body() body: CreateWebhookEndpointDto,
    @Query() scope: MerchantScopeQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.create(actingMerchantId(principal, scope.merchantId), body, actor);
  }

  @Get()
  @RolesOrMerchant('admin', 'sre')
  list(
    @Query() query: ListWebhookEndpointsQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ListResponse<WebhookEndpointView>> {
    return this.webhooks.list(actingMerchantId(principal, query.merchantId), query);
  }

  @Get(':id')
  @RolesOrMerchant('admin', 'sre')
  get(
    @IdParam('webhookEndpoint') id: string,
    @Query() scope: MerchantScopeQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WebhookEndpointView> {
    return this.webhooks.get(actingMerchantId(principal, scope.merchantId), id);
  }

  /** url, events, description, and `status: enabled|disabled` (re-enabling resets the failure clock). */
  @Patch(':id')
  @RolesOrMerchant('admin')
  update(
    @IdParam('webhookEndpoint') id: string,
    @Body() body: UpdateWebhookEndpointDto,
    @Query() scope: MerchantScopeQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<WebhookEndpointView> {
    return this.webhooks.update(actingMerchantId(principal, scope.merchantId), id, body, actor);
  }

  @Delete(':id')
  @HttpCode(200)
  @RolesOrMerchant('admin')
  remove(
    @IdParam('webhookEndpoint') id: string,
    @Query() scope: MerchantScopeQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<{ id: string; object: 'webhook_endpoint'; deleted: true }> {
    return this.webhooks.remove(actingMerchantId(principal, scope.merchantId), id, actor);
  }

  /** A new secret, shown once; the previous one keeps signing beside it for 24 h. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @RolesOrMerchant('admin')
  rotateSecret(
    @IdParam('webhookEndpoint') id: string,
    @Query() scope: MerchantScopeQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.rotateSecret(actingMerchantId(principal, scope.merchantId), id, actor);
  }

  /** Every delivery to this endpoint that failed, of events created since `since`, gets a new attempt now. */
  @Post(':id/redeliver-failed')
  @HttpCode(200)
  @RolesOrMerchant('admin')
  redeliverFailed(
    @IdParam('webhookEndpoint') id: string,
    @Body() body: RedeliverFailedDto,
    @Query() scope: MerchantScopeQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<RedeliveryResult> {
    return this.webhooks.redeliverFailed(
      actingMerchantId(principal, scope.merchantId),
      id,
      new Date(body.since),
      actor,
    );
  }
}

/** API.md §8: the events a merchant's endpoints receive, their deliveries and replays. */
@ApiTags('webhooks')
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @RolesOrMerchant('admin', 'sre')
  list(
    @Query() query: ListEventsQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ListResponse<WebhookEventView>> {
    return this.webhooks.listEvents(actingMerchantId(principal, query.merchantId), query);
  }

  @Get(':id')
  @RolesOrMerchant('admin', 'sre')
  get(
    @IdParam('event') id: string,
    @Query() scope: MerchantScopeQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WebhookEventView> {
    return this.webhooks.getEvent(actingMerchantId(principal, scope.merchantId), id);
  }

  /** Each endpoint's delivery of the event with every attempt (status, latency, response excerpt, error class). */
  @Get(':id/deliveries')
  @RolesOrMerchant('admin', 'sre')
  deliveries(
    @IdParam('event') id: string,
    @Query() scope: MerchantScopeQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ListResponse<WebhookDeliveryView>> {
    return this.webhooks.deliveriesOf(actingMerchantId(principal, scope.merchantId), id);
  }

  /** A new attempt now for the event's deliveries (or one endpoint's), with the same `webhook-id`. */
  @Post(':id/redeliver')
  @HttpCode(200)
  @RolesOrMerchant('admin')
  redeliver(
    @IdParam('event') id: string,
    @Body() body: RedeliverEventDto,
    @Query() scope: MerchantScopeQueryDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<RedeliveryResult> {
    return this.webhooks.redeliverEvent(actingMerchantId(principal, scope.merchantId), id, body.endpointId, actor);
  }
}

/** API.md §9: send a signed test event to an endpoint now and see the receiver's answer. */
@ApiTags('developer')
@Controller('api/v1/merchant/webhooks')
export class WebhookTestController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('test')
  @HttpCode(200)
  @MerchantAccess()
  test(@Body() body: SendTestWebhookDto, @CurrentPrincipal() principal: Principal): Promise<WebhookTestResult> {
    return this.webhooks.sendTest(principal.merchantId as string, body.endpointId, body.eventType);
  }
}

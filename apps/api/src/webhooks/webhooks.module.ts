import { Module } from '@nestjs/common';
import { EventsController, WebhookEndpointsController, WebhookTestController } from './webhooks.controller';
import { WebhookDeliveryQueue } from './webhook-delivery-queue';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhookEndpointsController, EventsController, WebhookTestController],
  providers: [WebhooksService, WebhooksRepository, WebhookDeliveryQueue],
})
export class WebhooksModule {}

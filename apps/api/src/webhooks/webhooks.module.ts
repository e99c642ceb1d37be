import { Module } from '@nestjs/common';
import { QueueRegistryModule } from '../queues/queue-registry.module';
import { EventsController, WebhookEndpointsController, WebhookTestController } from './webhooks.controller';
import { WebhookHostResolver } from './target-check';
import { WebhookDeliveryQueue } from './webhook-delivery-queue';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [QueueRegistryModule],
  controllers: [WebhookEndpointsController, EventsController, WebhookTestController],
  providers: [WebhooksService, WebhooksRepository, WebhookDeliveryQueue, WebhookHostResolver],
})
export class WebhooksModule {}

import { Module } from '@nestjs/common';
import { GatewayDirectory, PaymentProcessor, RefundProcessor, processorOptionsFrom } from '@lsp/payments';
import { Database } from '@lsp/persistence';
import { type AppConfig, type Logger, SecretBox } from '@lsp/platform';
import { APP_CONFIG, LOGGER } from '../core/infra/tokens';
import { GatewayWebhooksController } from '../gateway-webhooks/gateway-webhooks.controller';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { SandboxCheckoutController } from '../sandbox/sandbox-checkout.controller';
import { PaymentTimelineRepository } from './payment-timeline.repository';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';

@Module({
  controllers: [PaymentsController, GatewayWebhooksController, SandboxCheckoutController],
  providers: [
    PaymentsService,
    PaymentTimelineRepository,
    IdempotencyService,
    {
      provide: GatewayDirectory,
      inject: [Database, APP_CONFIG],
      useFactory: (db: Database, config: AppConfig) => new GatewayDirectory(db, new SecretBox(config.encryptionKeys)),
    },
    {
      provide: PaymentProcessor,
      inject: [Database, GatewayDirectory, APP_CONFIG, LOGGER],
      useFactory: (db: Database, gateways: GatewayDirectory, config: AppConfig, logger: Logger) =>
        new PaymentProcessor(db, gateways, processorOptionsFrom(config), logger),
    },
    {
      provide: RefundProcessor,
      inject: [Database, GatewayDirectory, PaymentProcessor],
      useFactory: (db: Database, gateways: GatewayDirectory, payments: PaymentProcessor) =>
        new RefundProcessor(db, gateways, payments),
    },
  ],
  exports: [PaymentsService, PaymentTimelineRepository, GatewayDirectory],
})
export class PaymentsModule {}

import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { adapterFor } from '@lsp/gateways';
import {
  GatewayDirectory,
  PaymentProcessor,
  RedisGatewayCircuit,
  RefundProcessor,
  circuitPolicyFrom,
  processorOptionsFrom,
} from '@lsp/payments';
import { Database } from '@lsp/persistence';
import { type AppConfig, type Logger, SecretBox } from '@lsp/platform';
import { APP_CONFIG, LOGGER, REDIS } from '../core/infra/tokens';
import { GatewayWebhooksController } from '../gateway-webhooks/gateway-webhooks.controller';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { RazorpayCheckoutController } from '../razorpay-checkout/razorpay-checkout.controller';
import { SandboxCheckoutController } from '../sandbox/sandbox-checkout.controller';
import { PaymentTimelineRepository } from './payment-timeline.repository';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';

@Module({
  controllers: [PaymentsController, GatewayWebhooksController, SandboxCheckoutController, RazorpayCheckoutController],
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
      provide: RedisGatewayCircuit,
      inject: [REDIS, APP_CONFIG, LOGGER],
      useFactory: (redis: Redis, config: AppConfig, logger: Logger) =>
        new RedisGatewayCircuit(redis, config, circuitPolicyFrom(config), logger.child({ component: 'circuit' })),
    },
    {
      provide: PaymentProcessor,
      inject: [Database, GatewayDirectory, APP_CONFIG, LOGGER, RedisGatewayCircuit],
      useFactory: (
        db: Database,
        gateways: GatewayDirectory,
        config: AppConfig,
        logger: Logger,
        circuit: RedisGatewayCircuit,
      ) => new PaymentProcessor(db, gateways, processorOptionsFrom(config), logger, adapterFor, circuit),
    },
    {
      provide: RefundProcessor,
      inject: [Database, GatewayDirectory, PaymentProcessor],
      useFactory: (db: Database, gateways: GatewayDirectory, payments: PaymentProcessor) =>
        new RefundProcessor(db, gateways, payments),
    },
  ],
  exports: [PaymentsService, PaymentTimelineRepository, GatewayDirectory, RedisGatewayCircuit],
})
export class PaymentsModule {}

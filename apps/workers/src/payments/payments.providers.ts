import type { Provider } from '@nestjs/common';
import { createGatewayAdapterRegistry } from '@lsp/gateways';
import type { Redis } from 'ioredis';
import {
  GatewayDirectory,
  PaymentProcessor,
  RedisGatewayCircuit,
  circuitPolicyFrom,
  processorOptionsFrom,
} from '@lsp/payments';
import { Database } from '@lsp/persistence';
import { type AppConfig, type Logger, SecretBox } from '@lsp/platform';
import { APP_CONFIG, LOGGER, REDIS } from '../core/tokens';
import {
  DEFAULT_PAYMENT_WORKER_OPTIONS,
  PAYMENT_WORKER_OPTIONS,
  type PaymentWorkerOptions,
} from './payment-worker-options';

/**
 * The payments use-cases as the API builds them (same options from the same config), with the workers' own
 * gateway adapter registry: sandbox callbacks of a retried payment go to PUBLIC_BASE_URL like the API's, and one
 * that cannot be delivered is logged here (the stale monitor settles that payment by status query).
 */
export function paymentProviders(overrides: Partial<PaymentWorkerOptions> = {}): Provider[] {
  const options: PaymentWorkerOptions = { ...DEFAULT_PAYMENT_WORKER_OPTIONS, ...overrides };
  return [
    { provide: PAYMENT_WORKER_OPTIONS, useValue: options },
    {
      provide: GatewayDirectory,
      inject: [Database, APP_CONFIG],
      useFactory: (db: Database, config: AppConfig) =>
        new GatewayDirectory(db, new SecretBox(config.encryptionKeys), options.gatewayCacheMs),
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
      ) => {
        const log = logger.child({ component: 'payments' });
        const registry = createGatewayAdapterRegistry({
          sandbox: {
            defaultCallbackDelayMs: config.sandboxCallbackDelayMs,
            onCallbackError: (failure) => log.warn({ ...failure }, 'sandbox callback not delivered'),
          },
        });
        return new PaymentProcessor(
          db,
          gateways,
          processorOptionsFrom(config),
          log,
          (provider) => registry.adapterFor(provider),
          circuit,
        );
      },
    },
  ];
}

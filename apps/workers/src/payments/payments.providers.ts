import type { Provider } from '@nestjs/common';
import { createGatewayAdapterRegistry } from '@lsp/gateways';
import { GatewayDirectory, PaymentProcessor, processorOptionsFrom } from '@lsp/payments';
import { Database } from '@lsp/persistence';
import { type AppConfig, type Logger, SecretBox } from '@lsp/platform';
import { APP_CONFIG, LOGGER } from '../core/tokens';
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
      provide: PaymentProcessor,
      inject: [Database, GatewayDirectory, APP_CONFIG, LOGGER],
      useFactory: (db: Database, gateways: GatewayDirectory, config: AppConfig, logger: Logger) => {
        const log = logger.child({ component: 'payments' });
        const registry = createGatewayAdapterRegistry({
          sandbox: {
            defaultCallbackDelayMs: config.sandboxCallbackDelayMs,
            onCallbackError: (failure) => log.warn({ ...failure }, 'sandbox callback not delivered'),
          },
        });
        return new PaymentProcessor(db, gateways, processorOptionsFrom(config), log, (provider) =>
          registry.adapterFor(provider),
        );
      },
    },
  ];
}

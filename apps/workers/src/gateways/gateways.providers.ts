import type { Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayDirectory } from '@lsp/payments';
import type { AppConfig, Logger } from '@lsp/platform';
import { APP_CONFIG, LOGGER, REDIS } from '../core/tokens';
import { GatewayCacheListener } from './gateway-cache-listener';

/** Every workers process listens for gateway changes, whichever queues it serves (its payments use the directory). */
export function gatewayProviders(): Provider[] {
  return [
    {
      provide: GatewayCacheListener,
      inject: [GatewayDirectory, APP_CONFIG, REDIS, LOGGER],
      useFactory: (directory: GatewayDirectory, config: AppConfig, redis: Redis, logger: Logger) =>
        new GatewayCacheListener(directory, config, redis, logger.child({ component: 'gateway-cache' })),
    },
  ];
}

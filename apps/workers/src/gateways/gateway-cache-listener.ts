import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayCacheInvalidation, type GatewayDirectory } from '@lsp/payments';
import { type AppConfig, type Logger, createRedis } from '@lsp/platform';

/**
 * The workers' end of the gateway cache invalidation channel: retries and status checks stop using a gateway an
 * admin disabled (or the collector marked down) as soon as the API does. Owns its subscriber connection.
 */
export class GatewayCacheListener
  extends GatewayCacheInvalidation
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly ownSubscriber: Redis;

  constructor(directory: GatewayDirectory, config: AppConfig, redis: Redis, logger: Logger) {
    const subscriber = createRedis(config, 'workers-gateway-cache');
    // Outages are reported by readiness; the listener keeps ioredis from printing each reconnection.
    subscriber.on('error', () => undefined);
    super(directory, config, redis, subscriber, logger);
    this.ownSubscriber = subscriber;
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
    this.ownSubscriber.disconnect();
  }
}

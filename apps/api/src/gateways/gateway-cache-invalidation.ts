import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayDirectory } from '@lsp/payments';
import { type AppConfig, type Logger, redisKey } from '@lsp/platform';
import { APP_CONFIG, LOGGER, REDIS, REDIS_SUBSCRIBER } from '../core/infra/tokens';

/**
 * Drops the GatewayDirectory cache on every API process after a gateway change, so a disabled gateway is routed
 * around at once everywhere. If a message is lost (Redis down) the directory's 2 s cache still bounds staleness.
 */
@Injectable()
export class GatewayCacheInvalidation implements OnModuleInit, OnModuleDestroy {
  private readonly channel: string;

  constructor(
    private readonly directory: GatewayDirectory,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.channel = redisKey(config, 'invalidate', 'gateways');
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    await this.subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber.off('message', this.onMessage);
    await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private readonly onMessage = (channel: string): void => {
    if (channel === this.channel) this.directory.invalidate();
  };

  /** Call after the change has committed; never fails the request (the change itself is done). */
  async publish(): Promise<void> {
    this.directory.invalidate();
    try {
      // Bounded: with Redis down the offline queue would otherwise hold the admin's response.
      await Promise.race([
        this.redis.publish(this.channel, 'changed'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('publish timed out')), 1000).unref()),
      ]);
    } catch (err) {
      this.logger.warn({ err }, 'could not publish gateway cache invalidation; other processes catch up within 2 s');
    }
  }
}

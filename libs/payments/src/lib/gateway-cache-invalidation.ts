import type { Redis } from 'ioredis';
import { type AppConfig, type Logger, redisKey } from '@lsp/platform';
import type { GatewayDirectory } from './gateway-directory';

/**
 * Drops the GatewayDirectory cache of every API and worker process after a gateway change (admin edit, health
 * status change), so a disabled or down gateway is routed around at once everywhere. If a message is lost (Redis
 * down) the directory's short cache still bounds staleness.
 */
export class GatewayCacheInvalidation {
  private readonly channel: string;

  constructor(
    private readonly directory: GatewayDirectory,
    config: Pick<AppConfig, 'redisPrefix'>,
    private readonly redis: Pick<Redis, 'publish'>,
    private readonly subscriber: Pick<Redis, 'on' | 'off' | 'subscribe' | 'unsubscribe'>,
    private readonly logger: Logger,
  ) {
    this.channel = redisKey(config, 'invalidate', 'gateways');
  }

  async start(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    await this.subscriber.subscribe(this.channel);
  }

  async stop(): Promise<void> {
    this.subscriber.off('message', this.onMessage);
    await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private readonly onMessage = (channel: string): void => {
    if (channel === this.channel) this.directory.invalidate();
  };

  /** Call after the change has committed; never fails the caller (the change itself is done). */
  async publish(): Promise<void> {
    this.directory.invalidate();
    try {
      // Bounded: with Redis down an offline queue would otherwise hold the caller.
      await Promise.race([
        this.redis.publish(this.channel, 'changed'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('publish timed out')), 1000).unref()),
      ]);
    } catch (err) {
      this.logger.warn({ err }, 'could not publish gateway cache invalidation; other processes catch up within 2 s');
    }
  }
}

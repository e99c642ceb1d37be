import type { Redis } from 'ioredis';
import { type AppConfig, redisKey } from '@lsp/platform';

// Members expire by score, so a slot held by a worker that died mid-delivery frees itself.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

/**
 * A per-endpoint cap on deliveries in flight, shared by every worker process (a Redis sorted set of holders
 * scored by expiry): one slow merchant holds at most `cap` of the queue's slots, the rest go to other endpoints.
 */
export class EndpointSlots {
  constructor(
    private readonly redis: Pick<Redis, 'eval' | 'zrem'>,
    private readonly config: Pick<AppConfig, 'redisPrefix'>,
    private readonly cap: number,
    private readonly holdMs: number,
  ) {}

  private key(endpointId: string): string {
    return redisKey(this.config, 'webhooks', 'inflight', endpointId);
  }

  async acquire(endpointId: string, holder: string): Promise<boolean> {
    const now = Date.now();
    const result = await this.redis.eval(
      ACQUIRE,
      1,
      this.key(endpointId),
      String(now),
      String(now + this.holdMs),
      String(this.cap),
      holder,
      String(this.holdMs * 2),
    );
    return result === 1;
  }

  async release(endpointId: string, holder: string): Promise<void> {
    await this.redis.zrem(this.key(endpointId), holder);
  }
}

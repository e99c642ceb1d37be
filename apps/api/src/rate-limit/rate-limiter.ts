import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AppConfig, redisKey } from '@lsp/platform';
import { APP_CONFIG, REDIS } from '../core/infra/tokens';

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

// INCR and the first PEXPIRE in one atomic step: every API replica counts in the same Redis window.
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { count, ttl }`;

/** Fixed-window counters in Redis, shared by every API process. */
@Injectable()
export class RateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async hit(bucket: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const window = Math.floor(Date.now() / windowMs);
    const key = redisKey(this.config, 'rl', bucket, String(window));
    const [count, ttl] = (await this.redis.eval(HIT, 1, key, String(windowMs))) as [number, number];
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.max(1, Math.ceil(ttl / 1000)),
    };
  }

  static headers(result: RateLimitResult): Record<string, string> {
    return {
      'RateLimit-Limit': String(result.limit),
      'RateLimit-Remaining': String(result.remaining),
      'RateLimit-Reset': String(result.resetSeconds),
    };
  }
}

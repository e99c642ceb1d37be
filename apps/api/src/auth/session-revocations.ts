import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AppConfig, redisKey } from '@lsp/platform';
import { APP_CONFIG, REDIS } from '../core/infra/tokens';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/**
 * Access tokens are stateless for 15 minutes; a revoked session (logout, refresh-token reuse) is remembered in
 * Redis for exactly that long so every API replica refuses its outstanding access tokens too.
 */
@Injectable()
export class SessionRevocations {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async revoke(sessionId: string): Promise<void> {
    await this.redis.set(redisKey(this.config, 'revoked-session', sessionId), '1', 'EX', ACCESS_TOKEN_TTL_SECONDS);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(redisKey(this.config, 'revoked-session', sessionId))) === 1;
  }
}

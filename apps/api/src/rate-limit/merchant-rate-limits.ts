import { Inject, Injectable } from '@nestjs/common';
import { Database, sql } from '@lsp/persistence';
import type { Logger } from '@lsp/platform';
import { isDependencyDown } from '../core/http/dependency-errors';
import { LOGGER } from '../core/infra/tokens';
import { type RateLimitResult, RateLimiter } from './rate-limiter';

const LIMIT_CACHE_MS = 5_000;

/**
 * Per-merchant request budget per minute (`rateLimitPerMinute`), counted in Redis so it holds across every API
 * replica. The merchant's limit itself is cached briefly; a change applies within seconds.
 */
@Injectable()
export class MerchantRateLimits {
  private readonly limits = new Map<string, { limit: number; until: number }>();

  constructor(
    private readonly limiter: RateLimiter,
    private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async hit(merchantId: string): Promise<RateLimitResult> {
    const limit = await this.limitOf(merchantId);
    try {
      return await this.limiter.hit(`merchant:${merchantId}`, limit, 60_000);
    } catch (e) {
      if (!isDependencyDown(e)) throw e;
      // Redis down: taking the merchant's payments matters more than counting them. Fail open, loudly, for as
      // long as the outage lasts; the outbox keeps every event until Redis returns.
      this.logger.warn({ merchantId }, 'rate limiter unavailable (Redis down); request allowed without counting');
      return { allowed: true, limit, remaining: limit, resetSeconds: 60 };
    }
  }

  forget(merchantId: string): void {
    this.limits.delete(merchantId);
  }

  private async limitOf(merchantId: string): Promise<number> {
    const cached = this.limits.get(merchantId);
    if (cached && cached.until > Date.now()) return cached.limit;
    const rows = await this.db.merchant(merchantId, (em) =>
      sql<{ rate_limit_per_minute: number }>(em, `SELECT rate_limit_per_minute FROM merchants WHERE id = $1`, [
        merchantId,
      ]),
    );
    const limit = rows[0]?.rate_limit_per_minute ?? 0;
    this.limits.set(merchantId, { limit, until: Date.now() + LIMIT_CACHE_MS });
    return limit;
  }
}

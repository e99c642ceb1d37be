import { Injectable } from '@nestjs/common';
import { Database, sql } from '@lsp/persistence';
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
  ) {}

  async hit(merchantId: string): Promise<RateLimitResult> {
    return this.limiter.hit(`merchant:${merchantId}`, await this.limitOf(merchantId), 60_000);
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

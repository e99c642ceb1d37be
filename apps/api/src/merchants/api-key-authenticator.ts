import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AppConfig, type Logger, redisKey } from '@lsp/platform';
import { Database, sql } from '@lsp/persistence';
import { APP_CONFIG, LOGGER, REDIS, REDIS_SUBSCRIBER } from '../core/infra/tokens';
import { ApiException } from '../core/http/api.exception';
import type { Principal } from '../auth/principal';
import { hashApiKeySecret, isWellFormedApiKey } from './api-key-secrets';

interface KeyRecord {
  keyId: string;
  merchantId: string;
  mode: 'test' | 'live';
  status: 'active' | 'revoked';
  expiresAt: number | null;
  merchantStatus: 'active' | 'suspended';
}

interface CacheEntry {
  record: KeyRecord | null;
  expiresAt: number;
}

const MAX_ENTRIES = 10_000;
const TOUCH_EVERY_MS = 60_000;

/**
 * Authenticates merchant servers by API key without a database round trip on the hot path: lookups are cached per
 * process for `API_KEY_CACHE_TTL` (default 5 s). Revocation and suspension publish an invalidation on Redis so
 * every replica drops the merchant's entries at once; the TTL bounds staleness if a message is ever missed.
 */
@Injectable()
export class ApiKeyAuthenticator implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastTouched = new Map<string, number>();
  private readonly channel: string;

  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.channel = redisKey(config, 'invalidate', 'api-keys');
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    await this.subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber.off('message', this.onMessage);
    await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private readonly onMessage = (channel: string, merchantId: string): void => {
    if (channel !== this.channel) return;
    this.evictMerchant(merchantId);
  };

  private evictMerchant(merchantId: string): void {
    for (const [hash, entry] of this.cache) {
      if (!entry.record || entry.record.merchantId === merchantId) this.cache.delete(hash);
    }
  }

  /** Tell every API process that this merchant's keys or status changed. */
  async invalidateMerchant(merchantId: string): Promise<void> {
    this.evictMerchant(merchantId);
    await this.redis.publish(this.channel, merchantId);
  }

  async authenticate(secret: string): Promise<Extract<Principal, { kind: 'api_key' }>> {
    if (!isWellFormedApiKey(secret)) throw ApiException.unauthenticated('Invalid API key', 'invalid_api_key');
    const hash = hashApiKeySecret(secret);
    const record = await this.lookup(hash);
    if (!record || record.status !== 'active' || (record.expiresAt !== null && record.expiresAt <= Date.now())) {
      throw ApiException.unauthenticated('Invalid or revoked API key', 'invalid_api_key');
    }
    if (record.merchantStatus !== 'active') {
      throw ApiException.forbidden('This merchant account is suspended', 'merchant_suspended');
    }
    this.touch(record.keyId);
    return { kind: 'api_key', keyId: record.keyId, merchantId: record.merchantId, mode: record.mode };
  }

  private async lookup(hash: string): Promise<KeyRecord | null> {
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.record;
    const rows = await this.db.platform((em) =>
      sql<{
        id: string;
        merchant_id: string;
        mode: 'test' | 'live';
        status: 'active' | 'revoked';
        expires_at: Date | null;
        merchant_status: 'active' | 'suspended';
      }>(
        em,
        `SELECT k.id, k.merchant_id, k.mode, k.status, k.expires_at, m.status AS merchant_status
           FROM api_keys k JOIN merchants m ON m.id = k.merchant_id WHERE k.secret_hash = $1`,
        [hash],
      ),
    );
    const row = rows[0];
    const record: KeyRecord | null = row
      ? {
          keyId: row.id,
          merchantId: row.merchant_id,
          mode: row.mode,
          status: row.status,
          expiresAt: row.expires_at ? row.expires_at.getTime() : null,
          merchantStatus: row.merchant_status,
        }
      : null;
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(hash, { record, expiresAt: now + this.config.apiKeyCacheTtlMs });
    return record;
  }

  /** `lastUsedAt` at minute precision, off the request path: a busy key costs one UPDATE a minute, not one per call. */
  private touch(keyId: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(keyId) ?? 0) < TOUCH_EVERY_MS) return;
    this.lastTouched.set(keyId, now);
    this.db
      .platform((em) => sql(em, `UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [keyId]))
      .catch((err: unknown) => this.logger.warn({ err, keyId }, 'could not record API key use'));
  }
}

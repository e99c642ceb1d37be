import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { AppConfig } from '@lsp/platform';
import { encodeUsageCell, latencyBucket, statusClass, usagePendingKey } from '@lsp/webhooks';
import { APP_CONFIG, REDIS } from '../core/infra/tokens';

/**
 * Counts every API-key call for the merchant's usage figures (API.md §9) after the response has gone out: one
 * HINCRBY on a Redis hash, not awaited, its failure ignored — usage figures must never slow down or fail a
 * payment. The workers move the counters into PostgreSQL every 15 s (`flush-api-usage`).
 */
@Injectable()
export class UsageRecorder implements OnModuleInit {
  private readonly key: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = usagePendingKey(config);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      const principal = request.principal;
      if (principal?.kind === 'api_key') {
        const field = encodeUsageCell({
          merchantId: principal.merchantId,
          day: new Date().toISOString().slice(0, 10),
          route: `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
          statusClass: statusClass(reply.statusCode),
          bucket: latencyBucket(reply.elapsedTime),
        });
        this.redis.hincrby(this.key, field, 1).catch(() => undefined);
      }
      done();
    });
  }
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Database, sql } from '@lsp/persistence';
import type { AppConfig } from '@lsp/platform';
import type { ScheduledRunPayload } from '@lsp/queues';
import { decodeUsageCell, usageBatchKey, usageBatchPattern, usagePendingKey } from '@lsp/webhooks';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, REDIS } from '../core/tokens';

/**
 * Moves the API usage counters the API processes keep in Redis into `api_usage` (see libs/webhooks
 * usage-counters.ts). A batch left by a flush that died half-way is finished by the next one; the batch id
 * recorded with the rows makes a repeat add nothing.
 */
@Injectable()
@ProcessesJob('webhooks', 'flush-api-usage')
export class FlushApiUsageProcessor implements JobProcessor<'webhooks', 'flush-api-usage'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async process(_payload: ScheduledRunPayload): Promise<{ batches: number; cells: number }> {
    const fresh = usageBatchKey(this.config, randomUUID());
    // RENAME is atomic: increments made after it land in a new pending hash.
    await this.redis.rename(usagePendingKey(this.config), fresh).catch((err: unknown) => {
      if (!String((err as Error).message).includes('no such key')) throw err;
    });
    let batches = 0;
    let cells = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', usageBatchPattern(this.config), 'COUNT', 100);
      cursor = next;
      for (const key of keys) {
        cells += await this.flushBatch(key);
        batches++;
      }
    } while (cursor !== '0');
    return { batches, cells };
  }

  private async flushBatch(key: string): Promise<number> {
    const counts = await this.redis.hgetall(key);
    const columns = {
      merchant: [] as string[],
      day: [] as string[],
      route: [] as string[],
      cls: [] as string[],
      bucket: [] as number[],
      calls: [] as number[],
    };
    for (const [field, value] of Object.entries(counts)) {
      const cell = decodeUsageCell(field);
      if (!cell || !/^\d+$/.test(value)) continue;
      columns.merchant.push(cell.merchantId);
      columns.day.push(cell.day);
      columns.route.push(cell.route);
      columns.cls.push(cell.statusClass);
      columns.bucket.push(cell.bucket);
      columns.calls.push(Number(value));
    }
    const batchId = key.slice(key.lastIndexOf(':') + 1);
    await this.db.platform(async (em) => {
      const fresh = await sql(
        em,
        `INSERT INTO api_usage_flushes (batch_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING batch_id`,
        [batchId],
      );
      if (fresh.length === 0 || columns.merchant.length === 0) return;
      await sql(
        em,
        `INSERT INTO api_usage (merchant_id, day, route, status_class, bucket, calls)
         SELECT m, d, r, c, b, n
           FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::smallint[], $6::bigint[]) AS u(m, d, r, c, b, n)
           JOIN merchants ON merchants.id = u.m
         ON CONFLICT (merchant_id, day, route, status_class, bucket) DO UPDATE SET calls = api_usage.calls + EXCLUDED.calls`,
        [columns.merchant, columns.day, columns.route, columns.cls, columns.bucket, columns.calls],
      );
      await sql(em, `DELETE FROM api_usage_flushes WHERE flushed_at < now() - interval '1 day'`);
    });
    await this.redis.del(key);
    return columns.merchant.length;
  }
}

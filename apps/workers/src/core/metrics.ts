import type { Redis } from 'ioredis';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { type AppConfig, type StatusForGauges, registerSystemStatusGauges } from '@lsp/platform';
import { systemStatusKey } from '@lsp/queues';

/**
 * The workers' `/metrics`: process metrics and the system status gauges (the checker's last snapshot, read from
 * Redis at scrape time, so every worker exports the same status as the API replicas).
 */
export function workersMetrics(
  redis: Pick<Redis, 'get'>,
  config: Pick<AppConfig, 'redisPrefix'>,
): () => Promise<string> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lsp_workers_' });
  registerSystemStatusGauges(registry, async () => {
    const text = await redis.get(systemStatusKey(config));
    return text ? (JSON.parse(text) as StatusForGauges) : null;
  });
  return () => registry.metrics();
}

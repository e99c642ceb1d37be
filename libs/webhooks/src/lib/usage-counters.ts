import { type AppConfig, redisKey } from '@lsp/platform';

/*
 * API usage is counted on the request path with one HINCRBY on a Redis hash (no database work), and moved into
 * PostgreSQL by the workers' `flush-api-usage` job: the hash is renamed to a batch key (atomic, so counts made
 * meanwhile go to a fresh hash), the batch is added to `api_usage` with its id recorded in the same transaction
 * (a retried flush of the same batch adds nothing), then the batch key is deleted.
 */

export interface UsageCell {
  merchantId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** `METHOD /route/template`. */
  route: string;
  statusClass: string;
  bucket: number;
}

export function usagePendingKey(config: Pick<AppConfig, 'redisPrefix'>): string {
  return redisKey(config, 'usage', 'pending');
}

export function usageBatchKey(config: Pick<AppConfig, 'redisPrefix'>, batchId: string): string {
  return redisKey(config, 'usage', 'batch', batchId);
}

export function usageBatchPattern(config: Pick<AppConfig, 'redisPrefix'>): string {
  return redisKey(config, 'usage', 'batch', '*');
}

const SEP = '|';

export function encodeUsageCell(cell: UsageCell): string {
  return [cell.merchantId, cell.day, cell.route.replace(/\|/g, '/'), cell.statusClass, String(cell.bucket)].join(SEP);
}

export function decodeUsageCell(field: string): UsageCell | null {
  const parts = field.split(SEP);
  if (parts.length !== 5) return null;
  const [merchantId, day, route, statusClass, bucket] = parts;
  if (!/^mer_[0-9A-Z]{26}$/.test(merchantId) || !/^\d{4}-\d{2}-\d{2}$/.test(day) || !/^\d+$/.test(bucket)) return null;
  if (!/^[1-5]xx$/.test(statusClass)) return null;
  return { merchantId, day, route: route.slice(0, 300), statusClass, bucket: Number(bucket) };
}

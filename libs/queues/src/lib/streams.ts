import { type AppConfig, redisKey } from '@lsp/platform';

/** The server-sent event streams of API.md §10. Any API replica serves any stream, fed by Redis pub/sub. */
export const STREAM_NAMES = [
  'gateway-health',
  'queue-stats',
  'alerts',
  'worker-health',
  'transactions',
  'system-status',
  'settlements',
] as const;

export type StreamName = (typeof STREAM_NAMES)[number];

/**
 * The Redis pub/sub channel that feeds a stream: `<REDIS_PREFIX>:stream:<name>`. Publishers (the workers) and
 * subscribers (every API replica) build it here so the two can never drift apart. Pub/sub is at-most-once per
 * subscriber: a replica that was disconnected resumes from the database, not from the channel.
 */
export function streamChannel(config: Pick<AppConfig, 'redisPrefix'>, stream: StreamName): string {
  return redisKey(config, 'stream', stream);
}

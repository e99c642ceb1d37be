import { type AppConfig, redisKey } from '@lsp/platform';
import type { Redis } from 'ioredis';

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

/**
 * How many recent messages of each operations stream Redis keeps for `Last-Event-ID` resume. The `transactions`
 * stream resumes from `outbox_events` instead and is not buffered here.
 */
export const STREAM_BUFFER_LENGTH = 1000;

/** The capped Redis stream that keeps an operations stream's recent messages: `<prefix>:stream-buffer:<name>`. */
export function streamBufferKey(config: Pick<AppConfig, 'redisPrefix'>, stream: StreamName): string {
  return redisKey(config, 'stream-buffer', stream);
}

/** One message of an operations stream (every stream but `transactions`), as published and as replayed. */
export interface StreamMessage<T = unknown> {
  /** The Redis stream entry id (`<ms>-<seq>`): increasing, so it is the SSE event id and the resume point. */
  id: string;
  stream: StreamName;
  /** What happened, e.g. `gateway.health_changed`, `alert.raised`, `queue.stats`. */
  type: string;
  /** ISO-8601 UTC instant of publication. */
  at: string;
  /** Set when the message concerns one merchant: a merchant user's stream carries only its own. */
  merchantId: string | null;
  data: T;
}

/**
 * Publishes one message on an operations stream: appended to the stream's capped buffer first (its entry id is
 * the message id, so a reconnecting client resumes with `Last-Event-ID`), then fanned out on the pub/sub channel
 * to every API replica. Returns the message as sent.
 */
export async function publishStreamMessage<T>(
  redis: Pick<Redis, 'xadd' | 'publish'>,
  config: Pick<AppConfig, 'redisPrefix'>,
  stream: Exclude<StreamName, 'transactions'>,
  message: { type: string; data: T; merchantId?: string | null },
): Promise<StreamMessage<T>> {
  const at = new Date().toISOString();
  const body = { stream, type: message.type, at, merchantId: message.merchantId ?? null, data: message.data };
  const id = await redis.xadd(
    streamBufferKey(config, stream),
    'MAXLEN',
    '~',
    String(STREAM_BUFFER_LENGTH),
    '*',
    'message',
    JSON.stringify(body),
  );
  if (!id) throw new Error(`stream ${stream}: XADD returned no id`);
  const sent: StreamMessage<T> = { id, ...body };
  await redis.publish(streamChannel(config, stream), JSON.stringify(sent));
  return sent;
}

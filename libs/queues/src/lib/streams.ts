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

/** Every stream but `transactions`: fed by `publishStreamMessage`, resumed from a capped Redis buffer. */
export type OperationsStreamName = Exclude<StreamName, 'transactions'>;

export function isStreamName(value: unknown): value is StreamName {
  return typeof value === 'string' && (STREAM_NAMES as readonly string[]).includes(value);
}

/** A Redis stream entry id (`<ms>-<seq>`), the event id of every operations stream message. */
export const STREAM_MESSAGE_ID_PATTERN = /^\d{1,20}-\d{1,20}$/;
/** Also what keeps the SSE framing intact: a type with a line break would forge fields. */
export const STREAM_MESSAGE_TYPE_PATTERN = /^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/;
const MERCHANT_ID_PATTERN = /^mer_[0-9A-Z]{26}$/;

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
  // Refused here rather than dropped by every subscriber: a publisher bug shows where it is.
  if (!STREAM_MESSAGE_TYPE_PATTERN.test(message.type)) throw new Error(`stream ${stream}: bad type "${message.type}"`);
  if (
    message.merchantId !== undefined &&
    message.merchantId !== null &&
    !MERCHANT_ID_PATTERN.test(message.merchantId)
  ) {
    throw new Error(`stream ${stream}: bad merchantId "${message.merchantId}"`);
  }
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

/**
 * Checks a message from the pub/sub channel or the buffer and copies only its fields; null for anything malformed
 * or published on another stream. Subscribers never trust a channel blindly: anything in Redis may write to it.
 */
export function decodeStreamMessage(stream: OperationsStreamName, value: unknown): StreamMessage | null {
  if (!value || typeof value !== 'object') return null;
  const m = value as Record<string, unknown>;
  const { id, type, at, merchantId } = m;
  if (
    typeof id !== 'string' ||
    !STREAM_MESSAGE_ID_PATTERN.test(id) ||
    m['stream'] !== stream ||
    typeof type !== 'string' ||
    !STREAM_MESSAGE_TYPE_PATTERN.test(type) ||
    typeof at !== 'string' ||
    !(merchantId === null || (typeof merchantId === 'string' && MERCHANT_ID_PATTERN.test(merchantId))) ||
    !('data' in m)
  ) {
    return null;
  }
  return { id, stream, type, at, merchantId, data: m['data'] };
}

export interface StreamReplay {
  /** Oldest first. */
  messages: StreamMessage[];
  /**
   * True when the resume is not exact: `afterId` is no longer in the buffer (trimmed away, or never there), so
   * messages between it and the oldest kept one may be lost, or more than `limit` were missed.
   */
  truncated: boolean;
}

/**
 * The buffered messages of an operations stream published after `afterId`, for `Last-Event-ID` resume. At most
 * `limit`, the newest ones: a live view wants the present. The resume is exact only while `afterId` itself is
 * still in the buffer; otherwise the client is told it may have missed some (`truncated`).
 */
export async function streamMessagesAfter(
  redis: Pick<Redis, 'xrange' | 'xrevrange'>,
  config: Pick<AppConfig, 'redisPrefix'>,
  stream: OperationsStreamName,
  afterId: string,
  limit: number,
): Promise<StreamReplay> {
  const key = streamBufferKey(config, stream);
  const [anchor, newest] = await Promise.all([
    redis.xrange(key, afterId, afterId),
    redis.xrevrange(key, '+', `(${afterId}`, 'COUNT', limit + 1),
  ]);
  const messages: StreamMessage[] = [];
  for (const [entryId, fields] of newest.slice(0, limit).reverse()) {
    const index = fields.indexOf('message');
    let parsed: unknown = null;
    try {
      parsed = index >= 0 ? JSON.parse(fields[index + 1]) : null;
    } catch {
      // a malformed entry is skipped like a malformed live message
    }
    // The body is stored without its id: the entry id is the message id.
    const message =
      parsed && typeof parsed === 'object' ? decodeStreamMessage(stream, { ...parsed, id: entryId }) : null;
    if (message) messages.push(message);
  }
  return { messages, truncated: anchor.length === 0 || newest.length > limit };
}

import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig, Logger } from '@lsp/platform';
import { STREAM_NAMES, type StreamName, decodeStreamMessage, streamChannel } from '@lsp/queues';
import { APP_CONFIG, LOGGER, REDIS_SUBSCRIBER } from '../core/infra/tokens';
import { decodeStreamEvent } from './stream-event';

/**
 * A message as every stream carries it: the SSE `id:` and `event:`, the merchant it concerns (for filtering) and
 * the body sent as `data:` — the outbox envelope on `transactions`, the whole `StreamMessage` elsewhere.
 */
export interface LiveMessage {
  id: string;
  type: string;
  merchantId: string | null;
  body: unknown;
}

export type StreamListener = (message: LiveMessage) => void;

/** Checks one raw channel message of a stream; null for anything malformed. */
export function decodeLiveMessage(stream: StreamName, value: unknown): LiveMessage | null {
  if (stream === 'transactions') {
    const event = decodeStreamEvent(value);
    return event && { id: event.id, type: event.type, merchantId: event.merchantId, body: event };
  }
  const message = decodeStreamMessage(stream, value);
  return message && { id: message.id, type: message.type, merchantId: message.merchantId, body: message };
}

/**
 * One Redis subscription per stream channel for the whole process, fanned out in memory to every connected
 * client: a thousand open streams cost one subscription and one JSON.parse per message, not a thousand. Every API
 * replica subscribes, so a client may connect to any of them. Pub/sub is at most once: a client that missed
 * something resumes with Last-Event-ID from `outbox_events` or the stream's Redis buffer, never from the channel.
 */
@Injectable()
export class StreamHub implements OnModuleInit, OnModuleDestroy {
  private readonly listeners = new Map<StreamName, Set<StreamListener>>();
  private readonly streamByChannel = new Map<string, StreamName>();

  constructor(
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    for (const stream of STREAM_NAMES) this.streamByChannel.set(streamChannel(config, stream), stream);
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    await this.subscriber.subscribe(...this.streamByChannel.keys());
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber.off('message', this.onMessage);
    await this.subscriber.unsubscribe(...this.streamByChannel.keys()).catch(() => undefined);
  }

  /** Calls `listener` for every message on the stream from now on; returns the function that stops it. */
  listen(stream: StreamName, listener: StreamListener): () => void {
    let set = this.listeners.get(stream);
    if (!set) {
      set = new Set();
      this.listeners.set(stream, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  listenerCount(stream: StreamName): number {
    return this.listeners.get(stream)?.size ?? 0;
  }

  private readonly onMessage = (channel: string, raw: string): void => {
    const stream = this.streamByChannel.get(channel);
    if (!stream) return; // another subscriber's channel on the shared connection
    const listeners = this.listeners.get(stream);
    if (!listeners?.size) return;
    let message: LiveMessage | null = null;
    try {
      message = decodeLiveMessage(stream, JSON.parse(raw));
    } catch {
      // reported below
    }
    if (!message) {
      this.logger.warn({ channel, length: raw.length }, 'ignored a malformed stream message');
      return;
    }
    // A snapshot: a listener that closes its connection while we iterate must not skip its neighbour.
    for (const listener of [...listeners]) {
      try {
        listener(message);
      } catch (err) {
        this.logger.warn({ err, stream }, 'stream listener failed');
      }
    }
  };
}

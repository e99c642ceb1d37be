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
/** Called after the subscription came back from a Redis outage: messages published meanwhile were missed. */
export type ResyncListener = () => void;

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
  private readonly resyncs = new Set<ResyncListener>();
  private readonly streamByChannel = new Map<string, StreamName>();
  private subscribed = false;

  constructor(
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    for (const stream of STREAM_NAMES) this.streamByChannel.set(streamChannel(config, stream), stream);
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    this.subscriber.on('ready', this.onReconnected);
    await this.subscriber.subscribe(...this.streamByChannel.keys());
    this.subscribed = true;
  }

  async onModuleDestroy(): Promise<void> {
    this.subscribed = false;
    this.subscriber.off('message', this.onMessage);
    this.subscriber.off('ready', this.onReconnected);
    await this.subscriber.unsubscribe(...this.streamByChannel.keys()).catch(() => undefined);
  }

  /**
   * Calls `listener` for every message on the stream from now on, and `resync` whenever the subscription was
   * restored after a Redis outage (so the caller can replay what it missed); returns the function that stops both.
   */
  listen(stream: StreamName, listener: StreamListener, resync?: ResyncListener): () => void {
    let set = this.listeners.get(stream);
    if (!set) {
      set = new Set();
      this.listeners.set(stream, set);
    }
    set.add(listener);
    if (resync) this.resyncs.add(resync);
    return () => {
      set.delete(listener);
      if (resync) this.resyncs.delete(resync);
    };
  }

  listenerCount(stream: StreamName): number {
    return this.listeners.get(stream)?.size ?? 0;
  }

  /**
   * ioredis resubscribes by itself when it reconnects, but announces `ready` before the SUBSCRIBE is confirmed;
   * subscribing again (idempotent) and awaiting it means a replay started afterwards leaves no gap.
   */
  private readonly onReconnected = (): void => {
    if (!this.subscribed) return;
    this.subscriber.subscribe(...this.streamByChannel.keys()).then(
      () => {
        this.logger.info({ streams: this.listeners.size }, 'stream subscription restored; resyncing open streams');
        for (const resync of [...this.resyncs]) {
          try {
            resync();
          } catch (err) {
            this.logger.warn({ err }, 'stream resync failed');
          }
        }
      },
      (err: unknown) => this.logger.warn({ err }, 'stream resubscribe failed; ioredis retries on reconnect'),
    );
  };

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

import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig, Logger } from '@lsp/platform';
import { type StreamName, streamChannel } from '@lsp/queues';
import { APP_CONFIG, LOGGER, REDIS_SUBSCRIBER } from '../core/infra/tokens';
import { type StreamEvent, decodeStreamEvent } from './stream-event';

export type StreamListener = (event: StreamEvent) => void;

/** The streams whose channels carry outbox envelopes and are served by this process. */
const HUB_STREAMS: readonly StreamName[] = ['transactions'];

/**
 * One Redis subscription per stream channel for the whole process, fanned out in memory to every connected
 * client: a thousand open streams cost one subscription and one JSON.parse per message, not a thousand. Every API
 * replica subscribes, so a client may connect to any of them. Pub/sub is at most once: a client that missed
 * something resumes from `outbox_events` with Last-Event-ID, never from the channel.
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
    for (const stream of HUB_STREAMS) this.streamByChannel.set(streamChannel(config, stream), stream);
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    await this.subscriber.subscribe(...this.streamByChannel.keys());
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber.off('message', this.onMessage);
    await this.subscriber.unsubscribe(...this.streamByChannel.keys()).catch(() => undefined);
  }

  /** Calls `listener` for every event on the stream from now on; returns the function that stops it. */
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

  private readonly onMessage = (channel: string, message: string): void => {
    const stream = this.streamByChannel.get(channel);
    if (!stream) return; // another subscriber's channel on the shared connection
    const listeners = this.listeners.get(stream);
    if (!listeners?.size) return;
    let event: StreamEvent | null = null;
    try {
      event = decodeStreamEvent(JSON.parse(message));
    } catch {
      // reported below
    }
    if (!event) {
      this.logger.warn({ channel, length: message.length }, 'ignored a malformed stream message');
      return;
    }
    // A snapshot: a listener that closes its connection while we iterate must not skip its neighbour.
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.logger.warn({ err, stream }, 'stream listener failed');
      }
    }
  };
}

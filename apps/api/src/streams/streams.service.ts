import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { AppConfig, Logger } from '@lsp/platform';
import { type StreamName, streamMessagesAfter } from '@lsp/queues';
import { type Principal, scopeOf } from '../auth/principal';
import { APP_CONFIG, LOGGER, REDIS } from '../core/infra/tokens';
import { SseConnection } from './sse-connection';
import { streamAudience } from './stream-access';
import { type LiveMessage, StreamHub } from './stream-hub';
import { StreamsRepository } from './streams.repository';

/** Payment and refund events make up the `transactions` stream (the workers publish exactly these). */
const TRANSACTION_AGGREGATES: readonly string[] = ['payment', 'refund'];
/** Waits between replay attempts after a Redis outage (the command connection's reconnect backoff is ≤ 2 s). */
const RESYNC_RETRY_DELAYS_MS = [250, 500, 1000, 2000, 2000];
/** Most messages a resume replays; beyond that the client is told to reload (see StreamsRepository). */
export const REPLAY_LIMIT = 500;
// Live messages that arrive while the replay query runs are held back, so none slips between replay and live.
const EARLY_BUFFER = 1000;
/**
 * A stream's credential is checked when it opens, so a revoked session, key or suspended merchant would keep an
 * old stream alive indefinitely. Streams are therefore closed after the access-token lifetime; clients reconnect
 * with a fresh ticket and Last-Event-ID and lose nothing.
 */
const MAX_STREAM_LIFETIME_MS = 15 * 60_000;

interface Replay {
  messages: LiveMessage[];
  truncated: boolean;
}

@Injectable()
export class StreamsService implements OnModuleDestroy {
  private readonly open = new Set<SseConnection>();

  constructor(
    private readonly hub: StreamHub,
    private readonly repo: StreamsRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Opens `stream` on `reply` for the principal: staff see every merchant's messages, a merchant only messages
   * about itself (platform-wide messages, without a merchant, are staff-only). With `lastEventId` what was missed
   * is replayed first — from `outbox_events` for `transactions`, from the stream's Redis buffer otherwise.
   * Failures before the stream opens (403, the replay query) become ordinary error responses.
   */
  async openStream(
    reply: FastifyReply,
    stream: StreamName,
    principal: Principal,
    lastEventId: string | null,
  ): Promise<void> {
    const { merchantId } = streamAudience(stream, principal);
    const admits = (m: LiveMessage): boolean => merchantId === null || m.merchantId === merchantId;

    // Listen before replaying: a message published during the replay query arrives here, not into a gap.
    let connection: SseConnection | null = null;
    const early: LiveMessage[] = [];
    let overflowed = false;
    const opened = Date.now();
    const stop = this.hub.listen(
      stream,
      (message) => {
        if (!admits(message)) return;
        if (connection) connection.send(message, message.body);
        else if (early.length < EARLY_BUFFER) early.push(message);
        else overflowed = true;
      },
      () => {
        if (connection) void this.resync(connection, stream, principal, admits, opened);
      },
    );

    let replay: Replay;
    try {
      replay = lastEventId
        ? await this.replay(stream, principal, lastEventId, admits)
        : { messages: [], truncated: false };
    } catch (e) {
      stop();
      throw e;
    }

    reply.hijack();
    const sse = new SseConnection(reply.raw);
    sse.open(reply.getHeaders());
    if (replay.truncated || overflowed) {
      sse.notice('stream.truncated', {
        replayed: replay.messages.length,
        message: 'Some messages since Last-Event-ID are no longer kept; reload the view to fill the gap',
      });
    }
    for (const message of replay.messages) sse.send(message, message.body);
    for (const message of early) sse.send(message, message.body);
    connection = sse;

    const heartbeat = setInterval(() => sse.comment('heartbeat'), this.config.streamHeartbeatMs);
    const lifetime = setTimeout(() => sse.close(), MAX_STREAM_LIFETIME_MS);
    this.open.add(sse);
    sse.onClose(() => {
      stop();
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      this.open.delete(sse);
      this.logger.debug(
        { stream, merchantId, sent: sse.sent, dropped: sse.dropped, durationMs: Date.now() - opened },
        sse.dropped ? 'stream dropped: the client does not keep up' : 'stream closed',
      );
    });
  }

  /** Open streams hold their sockets; ending them lets the HTTP server close on shutdown. */
  onModuleDestroy(): void {
    for (const sse of [...this.open]) sse.close();
  }

  /**
   * After a Redis outage the hub missed whatever was published meanwhile: replay it from where this connection
   * stands (its last event, or for an operations stream that has sent nothing yet, the moment it opened), exactly
   * as a client's own Last-Event-ID resume would. Duplicates of live messages are dropped by the connection.
   */
  private async resync(
    sse: SseConnection,
    stream: StreamName,
    principal: Principal,
    admits: (m: LiveMessage) => boolean,
    openedAt: number,
  ): Promise<void> {
    const from = sse.lastId ?? (stream === 'transactions' ? null : `${openedAt}-0`);
    if (!from) {
      sse.notice('stream.truncated', { replayed: 0, message: 'The live feed was interrupted; reload the view' });
      return;
    }
    try {
      const replay = await this.replayOnceRedisAnswers(stream, principal, from, admits, sse);
      if (!replay) return;
      // An id that was never buffered (the open-time bound) says nothing about a gap.
      if (replay.truncated && sse.lastId) {
        sse.notice('stream.truncated', {
          replayed: replay.messages.length,
          message: 'Some messages were missed; reload the view',
        });
      }
      for (const message of replay.messages) sse.send(message, message.body);
    } catch (err) {
      // The client reconnects with Last-Event-ID and resumes itself.
      this.logger.warn({ err, stream }, 'stream resync failed; closing the stream');
      sse.close();
    }
  }

  /**
   * The subscriber connection is back, but the command connection reconnects on its own backoff and refuses
   * commands until it has (no offline queue): try the replay a few times before giving up on the stream.
   * Resolves null when the client went away meanwhile.
   */
  private async replayOnceRedisAnswers(
    stream: StreamName,
    principal: Principal,
    from: string,
    admits: (m: LiveMessage) => boolean,
    sse: SseConnection,
  ): Promise<Replay | null> {
    for (let attempt = 0; ; attempt++) {
      if (sse.isClosed) return null;
      try {
        return await this.replay(stream, principal, from, admits);
      } catch (err) {
        if (attempt >= RESYNC_RETRY_DELAYS_MS.length) throw err;
        await new Promise((resolve) => setTimeout(resolve, RESYNC_RETRY_DELAYS_MS[attempt]));
      }
    }
  }

  private async replay(
    stream: StreamName,
    principal: Principal,
    afterId: string,
    admits: (m: LiveMessage) => boolean,
  ): Promise<Replay> {
    if (stream === 'transactions') {
      const { events, truncated } = await this.repo.eventsAfter(
        scopeOf(principal),
        afterId,
        TRANSACTION_AGGREGATES,
        REPLAY_LIMIT,
      );
      return {
        messages: events.map((e) => ({ id: e.id, type: e.type, merchantId: e.merchantId, body: e })),
        truncated,
      };
    }
    const { messages, truncated } = await streamMessagesAfter(this.redis, this.config, stream, afterId, REPLAY_LIMIT);
    return {
      messages: messages.map((m) => ({ id: m.id, type: m.type, merchantId: m.merchantId, body: m })).filter(admits),
      truncated,
    };
  }
}

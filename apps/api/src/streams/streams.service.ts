import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AppConfig, Logger } from '@lsp/platform';
import { type Principal, scopeOf } from '../auth/principal';
import { APP_CONFIG, LOGGER } from '../core/infra/tokens';
import { SseConnection } from './sse-connection';
import type { StreamEvent } from './stream-event';
import { StreamHub } from './stream-hub';
import { StreamsRepository } from './streams.repository';

/** Payment and refund events make up the `transactions` stream (the workers publish exactly these). */
const TRANSACTION_AGGREGATES: readonly string[] = ['payment', 'refund'];
/** Most events a resume replays; beyond that the client is told to reload (see StreamsRepository). */
export const REPLAY_LIMIT = 500;
// Live events that arrive while the replay query runs are held back, so none slips between replay and live.
const EARLY_BUFFER = 1000;
/**
 * A stream's credential is checked when it opens, so a revoked session, key or suspended merchant would keep an
 * old stream alive indefinitely. Streams are therefore closed after the access-token lifetime; clients reconnect
 * with a fresh ticket and Last-Event-ID and lose nothing.
 */
const MAX_STREAM_LIFETIME_MS = 15 * 60_000;

@Injectable()
export class StreamsService implements OnModuleDestroy {
  private readonly open = new Set<SseConnection>();

  constructor(
    private readonly hub: StreamHub,
    private readonly repo: StreamsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Opens the `transactions` stream on `reply`: staff see every merchant's events, a merchant (API key or
   * merchant user) only its own. With `lastEventId` the events recorded since are replayed from `outbox_events`
   * first. Failures before the stream opens (the replay query) become ordinary error responses.
   */
  async openTransactions(reply: FastifyReply, principal: Principal, lastEventId: string | null): Promise<void> {
    const scope = scopeOf(principal);
    const merchantId = scope.kind === 'merchant' ? scope.merchantId : null;
    const admits = (e: StreamEvent): boolean =>
      TRANSACTION_AGGREGATES.includes(e.aggregateType) && (merchantId === null || e.merchantId === merchantId);

    // Listen before replaying: an event committed during the replay query arrives here, not into a gap.
    let connection: SseConnection | null = null;
    const early: StreamEvent[] = [];
    let overflowed = false;
    const stop = this.hub.listen('transactions', (event) => {
      if (!admits(event)) return;
      if (connection) connection.send(event, event);
      else if (early.length < EARLY_BUFFER) early.push(event);
      else overflowed = true;
    });

    let replay: { events: StreamEvent[]; truncated: boolean };
    try {
      replay = lastEventId
        ? await this.repo.eventsAfter(scope, lastEventId, TRANSACTION_AGGREGATES, REPLAY_LIMIT)
        : { events: [], truncated: false };
    } catch (e) {
      stop();
      throw e;
    }

    reply.hijack();
    const sse = new SseConnection(reply.raw);
    sse.open(reply.getHeaders());
    if (replay.truncated || overflowed) {
      sse.notice('stream.truncated', {
        replayed: replay.events.length,
        message: 'More events were missed than a stream replays; reload the list to fill the gap',
      });
    }
    for (const event of replay.events) sse.send(event, event);
    for (const event of early) sse.send(event, event);
    connection = sse;

    const heartbeat = setInterval(() => sse.comment('heartbeat'), this.config.streamHeartbeatMs);
    const lifetime = setTimeout(() => sse.close(), MAX_STREAM_LIFETIME_MS);
    const opened = Date.now();
    this.open.add(sse);
    sse.onClose(() => {
      stop();
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      this.open.delete(sse);
      this.logger.debug(
        { stream: 'transactions', merchantId, sent: sse.sent, durationMs: Date.now() - opened },
        'stream closed',
      );
    });
  }

  /** Open streams hold their sockets; ending them lets the HTTP server close on shutdown. */
  onModuleDestroy(): void {
    for (const sse of [...this.open]) sse.close();
  }
}

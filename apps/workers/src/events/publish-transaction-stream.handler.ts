import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig } from '@lsp/platform';
import { EVENT_TYPES, type EventEnvelope, type EventType, streamChannel } from '@lsp/queues';
import { APP_CONFIG, REDIS } from '../core/tokens';
import type { EventHandler } from './event-handler';

/**
 * Feeds the API's `transactions` SSE stream: every payment and refund event goes, as the JSON envelope, to the
 * Redis channel `<prefix>:stream:transactions`, which each API replica relays to its subscribers (filtering by
 * merchant). Pub/sub delivers at most once to whoever listens right now; a retried job may publish the same event
 * again, which a live view tolerates (the event id identifies it).
 */
@Injectable()
export class PublishTransactionStreamHandler implements EventHandler {
  readonly name = 'transactions-stream';
  readonly eventTypes: readonly EventType[] = EVENT_TYPES.filter(
    (type) => type.startsWith('payment.') || type.startsWith('refund.'),
  );
  private readonly channel: string;

  constructor(
    // The fail-fast connection: while Redis is down the publish fails at once and BullMQ retries the job.
    @Inject(REDIS) private readonly redis: Pick<Redis, 'publish'>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = streamChannel(config, 'transactions');
  }

  async handle(event: EventEnvelope): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(event));
  }
}

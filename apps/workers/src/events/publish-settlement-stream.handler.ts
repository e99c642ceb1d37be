import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig } from '@lsp/platform';
import { type EventEnvelope, type EventType, publishStreamMessage } from '@lsp/queues';
import { APP_CONFIG, REDIS } from '../core/tokens';
import type { EventHandler } from './event-handler';

/**
 * Feeds the `settlements` operations stream from the outbox: a settlement is opened and paid in one transaction,
 * so its `settlement.paid` event yields both stream messages, `settlement.created` then `settlement.paid`, each
 * carrying the settlement summary and its merchant (a merchant user's stream shows only its own).
 */
@Injectable()
export class PublishSettlementStreamHandler implements EventHandler {
  readonly name = 'settlements-stream';
  readonly eventTypes: readonly EventType[] = ['settlement.paid'];

  constructor(
    @Inject(REDIS) private readonly redis: Pick<Redis, 'xadd' | 'publish'>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(event: EventEnvelope): Promise<void> {
    for (const type of ['settlement.created', 'settlement.paid']) {
      await publishStreamMessage(this.redis, this.config, 'settlements', {
        type,
        data: event.data.object,
        merchantId: event.merchantId,
      });
    }
  }
}

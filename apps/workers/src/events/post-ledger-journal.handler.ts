import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@lsp/platform';
import { LedgerError } from '@lsp/domain';
import { Database, LedgerPostingBatcher, applyCapture, planCapture, postRefund } from '@lsp/persistence';
import type { EventEnvelope, EventType } from '@lsp/queues';
import { LOGGER } from '../core/tokens';
import type { EventHandler } from './event-handler';

/**
 * The ledger posting consumer: `payment.captured` → capture journal, `refund.succeeded` → pro-rata reversal.
 * Reads the payment or refund from PostgreSQL (the event only names it), so a stale snapshot never decides an
 * amount. Idempotent under redelivery: each journal's reference is its cause, and a second posting of it is a
 * no-op. A refund whose capture is not posted yet, or that would overdraw the wallet, fails the job (nothing is
 * posted) and BullMQ retries it with backoff; the overdraft is logged as an error naming the account.
 * Postings of concurrent jobs share transactions (group commit, each under its own savepoint): see
 * LedgerPostingBatcher, and the events queue's concurrency that lets batches form. A capture's reads run in a
 * transaction of their own first, so a batch holds the ledger's writer lock only while it writes.
 */
@Injectable()
export class PostLedgerJournalHandler implements EventHandler {
  readonly name = 'ledger-postings';
  readonly eventTypes: readonly EventType[] = ['payment.captured', 'refund.succeeded'];

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(LedgerPostingBatcher) private readonly ledger: LedgerPostingBatcher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(event: EventEnvelope): Promise<void> {
    const at = new Date(event.occurredAt);
    try {
      if (event.type === 'payment.captured') {
        const plan = await this.db.platform((em) => planCapture(em, event.aggregateId, at));
        const posted = await applyCapture(plan, (posting) => this.ledger.postJournal(posting));
        if (posted.created) {
          this.logger.debug({ eventId: event.id, journalId: posted.journalId }, 'capture journal posted');
        }
      } else if (event.type === 'refund.succeeded') {
        const posted = await this.ledger.post((em) => postRefund(em, event.aggregateId, at));
        if (posted.created) {
          this.logger.debug({ eventId: event.id, journalId: posted.journalId }, 'refund journal posted');
        }
      }
    } catch (err) {
      if (err instanceof LedgerError && err.code === 'insufficient_funds') {
        this.logger.error(
          { eventId: event.id, type: event.type, aggregateId: event.aggregateId, reason: err.message },
          'ledger posting refused: it would overdraw an account',
        );
      }
      throw err;
    }
  }
}

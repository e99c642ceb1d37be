import type { Job } from 'bullmq';
import type { EventEnvelope, EventType } from '@lsp/queues';

/**
 * One consumer of outbox events (live streams now; ledger postings and merchant webhooks later). Every event job
 * runs each matching handler; a handler may therefore see an event more than once (a re-published event whose
 * earlier job is gone, a crash after it acted) and must be idempotent on `event.id`.
 */
export interface EventHandler {
  /** Stable name: recorded in the job's progress, so a retried job skips handlers that already succeeded. */
  readonly name: string;
  /** Event types this handler reacts to; every type when absent. */
  readonly eventTypes?: readonly EventType[];
  handle(event: EventEnvelope, job: Job): Promise<void>;
}

/** The resolved handler instances, in the order they run. */
export const EVENT_HANDLERS = Symbol('EVENT_HANDLERS');

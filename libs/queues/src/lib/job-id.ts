import type { JobName, QueueName } from './declarations';

const PART = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The one way to build an idempotent job id. BullMQ ignores `add` for an id it already holds, so a producer that
 * retries (or two producers racing on the same event) enqueues the work once. The id names queue and job so it
 * is unique across the whole Redis namespace and readable in the console.
 *
 * Each key part must be letters, digits, `_` or `-`: BullMQ reserves `:`, and a separator that can never occur
 * inside a part keeps distinct keys from colliding (`a.b` + `c` vs `a` + `b.c`).
 */
export function jobId<Q extends QueueName>(queue: Q, job: JobName<Q>, ...key: [string, ...string[]]): string {
  if (key.length === 0) throw new Error('jobId needs at least one key part');
  for (const part of key) {
    if (!PART.test(part)) {
      throw new Error(`jobId key part "${part}" must be 1-100 letters, digits, _ or -`);
    }
  }
  return [queue, job, ...key].join('.');
}

/**
 * The job id of an outbox event on the `events` queue. Built from the event id, which is the same on every
 * re-publication, so a relay that publishes an event twice (crash before marking it, lapsed claim) has the second
 * add dropped by BullMQ as a duplicate.
 */
export function eventJobId(event: { type: JobName<'events'>; id: string }): string {
  return jobId('events', event.type, event.id);
}

/**
 * The job id of one due retry: the payment and the `retry_count` the scan saw. Two scans that see the same due
 * retry (overlapping ticks, two processes) enqueue it once; the next retry of the payment has the next count.
 */
export function retryPaymentJobId(paymentId: string, retryCount: number): string {
  return jobId('payments', 'retry-payment', paymentId, String(retryCount));
}

/** The job id of one due status check: the payment and its `reconcile_attempts` so far (see retryPaymentJobId). */
export function reconcilePaymentJobId(paymentId: string, reconcileAttempts: number): string {
  return jobId('payments', 'reconcile-payment', paymentId, String(reconcileAttempts));
}

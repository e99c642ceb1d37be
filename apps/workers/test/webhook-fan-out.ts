import type { INestApplicationContext } from '@nestjs/common';
import type { Client } from 'pg';
import { eventually } from '@lsp/testing';
import { type EventType, eventJobId } from '@lsp/queues';
import { DeclaredQueues } from '../src/core/declared-queues';

/**
 * Waits until the webhook fan-out has handled an event (relayed, and its `events` job completed or its progress
 * naming the handler), so a delivery row a test then inserts by hand is not also picked up and enqueued by the
 * fan-out (which enqueues every pending first attempt of the event). Other handlers may still be retrying it.
 */
export async function webhookFanOutDone(
  app: INestApplicationContext,
  owner: Client,
  event: { id: string; type: string },
): Promise<void> {
  const events = app.get(DeclaredQueues).get('events');
  await eventually(async () => {
    const { rows } = await owner.query(`SELECT published_at FROM outbox_events WHERE id = $1`, [event.id]);
    if (!rows[0]?.published_at) return undefined;
    const job = await events.getJob(eventJobId({ id: event.id, type: event.type as EventType }));
    if (!job) return true;
    const handled = (job.progress as { handled?: unknown } | null)?.handled;
    const done =
      (await job.getState()) === 'completed' || (Array.isArray(handled) && handled.includes('merchant-webhooks'));
    return done ? true : undefined;
  });
}

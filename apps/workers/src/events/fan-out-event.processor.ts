import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from '@lsp/platform';
import { EVENT_TYPES, type EventEnvelope, type EventType } from '@lsp/queues';
import { errorMessage } from '../core/error-message';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { LOGGER } from '../core/tokens';
import { EVENT_HANDLERS, type EventHandler } from './event-handler';

export interface FanOutResult {
  /** Handlers that have handled the event, over every attempt of the job. */
  handled: string[];
}

interface FanOutProgress {
  handled: string[];
}

function handledSoFar(progress: unknown): Set<string> {
  const handled = (progress as Partial<FanOutProgress> | null)?.handled;
  return new Set(Array.isArray(handled) ? handled.filter((h): h is string => typeof h === 'string') : []);
}

export class EventHandlersFailedError extends Error {
  constructor(readonly failures: { handler: string; message: string }[]) {
    super(
      `event handler${failures.length > 1 ? 's' : ''} failed: ${failures.map((f) => `${f.handler}: ${f.message}`).join('; ')}`,
    );
    this.name = 'EventHandlersFailedError';
  }
}

/**
 * The one processor of the `events` queue: runs every handler that takes the event's type, in list order. One
 * failing handler does not keep the others from running; the job then fails and BullMQ retries it with backoff.
 * Handlers that succeeded are recorded in the job's progress before that, so the retry runs only the ones that
 * failed (best effort: a crash before the progress write runs them again — handlers are idempotent on the event
 * id). A job whose handlers all succeed writes no progress: nothing would read it, and a Redis round trip per
 * handler is a noticeable share of every event's cost.
 */
@Injectable()
@ProcessesJob('events', EVENT_TYPES)
export class FanOutEventProcessor implements JobProcessor<'events', EventType> {
  constructor(
    @Inject(EVENT_HANDLERS) private readonly handlers: EventHandler[],
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(event: EventEnvelope, job: Job): Promise<FanOutResult> {
    const handled = handledSoFar(job.progress);
    const failures: { handler: string; message: string }[] = [];
    for (const handler of this.handlers) {
      if (handled.has(handler.name)) continue;
      if (handler.eventTypes && !handler.eventTypes.includes(event.type)) continue;
      try {
        await handler.handle(event, job);
      } catch (err) {
        failures.push({ handler: handler.name, message: errorMessage(err) });
        this.logger.warn(
          { err, handler: handler.name, eventId: event.id, type: event.type, jobId: job.id },
          'event handler failed',
        );
        continue;
      }
      handled.add(handler.name);
    }
    if (failures.length > 0) {
      await job.updateProgress({ handled: [...handled] } satisfies FanOutProgress).catch((err: unknown) => {
        // Only costs a repeat of the (idempotent) handlers that succeeded when the job is retried.
        this.logger.warn({ err, jobId: job.id }, 'event progress not recorded');
      });
      throw new EventHandlersFailedError(failures);
    }
    return { handled: [...handled] };
  }
}

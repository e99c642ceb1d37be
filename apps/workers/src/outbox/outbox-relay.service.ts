import { Queue } from 'bullmq';
import type { AppConfig, Logger } from '@lsp/platform';
import {
  type Database,
  type OutboxRow,
  claimOutboxBatch,
  deferOutboxEvents,
  markOutboxPublished,
  outboxBacklog,
  raiseAlert,
} from '@lsp/persistence';
import {
  type BulkJob,
  type EventEnvelope,
  OUTBOX_BACKLOG_CAP,
  type OutboxRelayStatus,
  QUEUES,
  addJobs,
  bullConnection,
  bullPrefix,
  eventJobId,
  isJobName,
  parseJobPayload,
} from '@lsp/queues';
import { errorMessage } from '../core/error-message';

export interface OutboxRelayOptions {
  /** Written to `claimed_by`; the worker id, so an operator can tell which process holds a claim. */
  relayId: string;
  /** Rows per claim. A full batch is followed by the next one at once. */
  batchSize: number;
  /** Pause after a pass that found less than a full batch. */
  idleDelayMs: number;
  /** How long a claim holds. A relay that dies mid-batch delays its rows by at most this much. */
  leaseMs: number;
  /** Longest wait for Redis to take a batch before the claim is handed back. Well below `leaseMs`. */
  publishTimeoutMs: number;
  /** Cap of the exponential pause after failed passes (PostgreSQL or Redis unreachable). */
  maxBackoffMs: number;
  /** How often the relay measures its lag for the heartbeat and logs. */
  lagCheckEveryMs: number;
  /** Lag past which the relay logs a warning (again every minute while it lasts). */
  lagWarnAfterMs: number;
  /** How long an event that can never be published as it is (undeclared type, bad payload) waits before a retry. */
  parkInvalidForMs: number;
}

export const DEFAULT_OUTBOX_RELAY_OPTIONS: Omit<OutboxRelayOptions, 'relayId'> = {
  batchSize: 100,
  idleDelayMs: 200,
  leaseMs: 15_000,
  publishTimeoutMs: 5_000,
  maxBackoffMs: 5_000,
  lagCheckEveryMs: 5_000,
  lagWarnAfterMs: 30_000,
  parkInvalidForMs: 3_600_000,
};

export const OUTBOX_INVALID_EVENT_ALERT = 'outbox-event-unpublishable';
const LAG_WARN_REPEAT_MS = 60_000;

/** What the relay needs of a BullMQ queue; a fake in unit tests. */
export type EventsQueue = Pick<Queue, 'name' | 'addBulk'>;

/**
 * The relay's own producer for the `events` queue, whatever queues this process consumes. Its connection does
 * not queue commands while Redis is down (`enableOfflineQueue: false`): a publish then fails at once, the claim
 * is handed back and the rows wait in PostgreSQL, instead of piling up in memory.
 */
export function createEventsQueue(config: Pick<AppConfig, 'redisUrl' | 'redisPrefix'>): Queue {
  const queue = new Queue('events', {
    connection: { ...bullConnection(config, 'outbox-relay'), enableOfflineQueue: false },
    prefix: bullPrefix(config),
    defaultJobOptions: QUEUES.events.defaultJobOptions,
  });
  // Connection errors surface as rejected adds; without a listener BullMQ would print each one.
  queue.on('error', () => undefined);
  return queue;
}

function toEnvelope(row: OutboxRow): EventEnvelope {
  return {
    id: row.id,
    type: row.type as EventEnvelope['type'],
    merchantId: row.merchantId,
    aggregateType: row.aggregateType,
    aggregateId: row.aggregateId,
    occurredAt: row.occurredAt.toISOString(),
    data: { object: row.payload },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  // A late rejection of the abandoned work must not become an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface RelayPass {
  claimed: number;
  published: number;
  parked: number;
}

/**
 * Publishes the transactional outbox to the `events` queue: claim a batch (several relays never claim the same
 * row), add one job per event with the event's job id, mark the batch published.
 *
 * At least once, never lost: a row is marked only after BullMQ accepted its job. If the relay dies, is stopped by
 * force or loses PostgreSQL between add and mark, the row's claim lapses and a relay publishes it again; BullMQ
 * drops that add as a duplicate job id. While Redis is down, adds fail, claims are handed back and rows simply
 * stay unpublished until it returns. A graceful stop lets the pass in progress finish (add and mark) first.
 */
export class OutboxRelay {
  readonly options: OutboxRelayOptions;
  /** Last lag measurement; null until the first one. Read by the heartbeat. */
  status: OutboxRelayStatus | null = null;
  /** Counters since start, for logs and tests. */
  readonly totals = { passes: 0, published: 0, parked: 0, failures: 0 };

  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private lastLagCheck = 0;
  private lagWarnedAt = 0;

  constructor(
    private readonly db: Database,
    private readonly queue: EventsQueue,
    private readonly logger: Logger,
    options: Partial<OutboxRelayOptions> & Pick<OutboxRelayOptions, 'relayId'>,
    /** Closes what the relay owns (its queue connection) after it stopped. */
    private readonly onStopped: () => Promise<void> = async () => undefined,
  ) {
    this.options = { ...DEFAULT_OUTBOX_RELAY_OPTIONS, ...options };
    if (this.options.publishTimeoutMs >= this.options.leaseMs) {
      throw new Error('outbox relay: publishTimeoutMs must be shorter than leaseMs');
    }
  }

  get running(): boolean {
    return this.loop !== null && !this.stopping;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
    this.logger.info({ relayId: this.options.relayId, batchSize: this.options.batchSize }, 'outbox relay started');
  }

  /** Finishes the pass in progress (its rows end up marked, or handed back), then stops. */
  async stop(): Promise<void> {
    if (this.loop) {
      this.stopping = true;
      this.wake?.();
      await this.loop;
      this.loop = null;
      this.logger.info({ relayId: this.options.relayId, ...this.totals }, 'outbox relay stopped');
    }
    await this.onStopped();
  }

  /** One claim → publish → mark pass. Throws when PostgreSQL or Redis failed; the rows are then retried later. */
  async relayOnce(): Promise<RelayPass> {
    const { relayId, batchSize, leaseMs, publishTimeoutMs, parkInvalidForMs } = this.options;
    const rows = await this.db.platform((em) => claimOutboxBatch(em, relayId, { limit: batchSize, leaseMs }));
    this.totals.passes++;
    if (rows.length === 0) return { claimed: 0, published: 0, parked: 0 };

    const jobs: BulkJob<'events'>[] = [];
    const invalid: { row: OutboxRow; reason: string }[] = [];
    for (const row of rows) {
      try {
        if (!isJobName('events', row.type)) throw new Error(`event type "${row.type}" is not declared in EVENT_TYPES`);
        const event = parseJobPayload('events', row.type, toEnvelope(row));
        jobs.push({ job: event.type, payload: event, options: { jobId: eventJobId(event) } });
      } catch (err) {
        invalid.push({ row, reason: errorMessage(err) });
      }
    }

    let published = 0;
    if (jobs.length > 0) {
      const ids = jobs.map((j) => j.payload.id);
      try {
        await withTimeout(addJobs(this.queue, 'events', jobs), publishTimeoutMs, 'publishing to the events queue');
      } catch (err) {
        // Hand the claim back so that a relay that can reach Redis need not wait for the lease to lapse. Jobs
        // that did reach Redis (a timeout can be late, not lost) are dropped as duplicates when re-published.
        await this.db
          .platform((em) => deferOutboxEvents(em, relayId, ids))
          .catch((releaseErr: unknown) =>
            this.logger.warn({ err: releaseErr }, 'outbox claim not handed back; it lapses by itself'),
          );
        throw err;
      }
      published = (await this.db.platform((em) => markOutboxPublished(em, relayId, ids))).length;
      this.totals.published += published;
    }

    if (invalid.length > 0) await this.park(invalid, parkInvalidForMs);
    return { claimed: rows.length, published, parked: invalid.length };
  }

  /**
   * An event that cannot be published as it is would fail every pass; it is set aside for `parkInvalidForMs`
   * (still unpublished, so it counts in the lag) and raises one critical alert, instead of blocking its batch.
   */
  private async park(invalid: { row: OutboxRow; reason: string }[], delayMs: number): Promise<void> {
    const { relayId } = this.options;
    await this.db.platform(async (em) => {
      await deferOutboxEvents(
        em,
        relayId,
        invalid.map((i) => i.row.id),
        delayMs,
      );
      await raiseAlert(em, {
        fingerprint: OUTBOX_INVALID_EVENT_ALERT,
        severity: 'critical',
        source: 'workers/outbox-relay',
        title: 'Outbox events cannot be published',
        message: `${invalid.length} event(s) refused by the events queue declaration: ${invalid[0].reason}`,
        details: {
          events: invalid.slice(0, 20).map((i) => ({ id: i.row.id, type: i.row.type, reason: i.reason })),
          retryAfterMs: delayMs,
        },
      });
    });
    this.totals.parked += invalid.length;
    for (const { row, reason } of invalid) {
      this.logger.error({ eventId: row.id, type: row.type, reason }, 'outbox event cannot be published; parked');
    }
  }

  private async run(): Promise<void> {
    const { batchSize, idleDelayMs, maxBackoffMs } = this.options;
    let failures = 0;
    while (!this.stopping) {
      let delay = idleDelayMs;
      try {
        const pass = await this.relayOnce();
        if (failures > 0) {
          this.logger.info({ failures }, 'outbox relay recovered');
        }
        failures = 0;
        if (pass.claimed >= batchSize) delay = 0;
      } catch (err) {
        failures++;
        this.totals.failures++;
        delay = Math.min(idleDelayMs * 2 ** Math.min(failures, 10), maxBackoffMs);
        // First failure and then every 20th: an outage is one warning a minute or so, not one per pass.
        if (failures === 1 || failures % 20 === 0) {
          this.logger.warn({ err, failures }, 'outbox relay pass failed; events stay in the outbox and are retried');
        }
      }
      await this.checkLag();
      if (delay > 0 && !this.stopping) await this.sleep(delay);
    }
  }

  /** Measures the lag at its cadence; never throws (a database outage is already reported by the pass). */
  private async checkLag(): Promise<void> {
    const now = Date.now();
    if (now - this.lastLagCheck < this.options.lagCheckEveryMs) return;
    this.lastLagCheck = now;
    try {
      const backlog = await this.db.platform((em) => outboxBacklog(em, OUTBOX_BACKLOG_CAP));
      this.status = { lagMs: backlog.lagMs, backlog: backlog.backlog, checkedAt: new Date(now).toISOString() };
      if (backlog.lagMs > this.options.lagWarnAfterMs) {
        if (now - this.lagWarnedAt >= LAG_WARN_REPEAT_MS) {
          this.lagWarnedAt = now;
          this.logger.warn({ ...backlog }, 'outbox relay is lagging');
        }
      } else if (this.lagWarnedAt > 0) {
        this.lagWarnedAt = 0;
        this.logger.info({ ...backlog }, 'outbox relay caught up');
      }
    } catch {
      // Keep the last measurement; its checkedAt shows its age.
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

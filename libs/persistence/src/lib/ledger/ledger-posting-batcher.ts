import type { EntityManager } from 'typeorm';
import type { Database } from '../database';
import { sql } from '../sql';
import { type JournalPosting, type PostedJournal, postJournals } from './ledger.repository';

export interface LedgerBatchOptions {
  /** How long the first posting of a batch waits for others to join it. */
  windowMs: number;
  /** Postings that close a batch at once. Each gets a subtransaction: keep it within PostgreSQL's 64 cached ones. */
  maxSize: number;
}

/** A journal (posted with the batch's others in one statement) or any work (under a savepoint of its own). */
type Queued = (
  | { posting: JournalPosting; work?: undefined }
  | { posting?: undefined; work: (em: EntityManager) => Promise<unknown> }
) & {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
};

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit for ledger postings. Every journal holds the ledger's one writer lock until its transaction
 * commits, so one posting per transaction pays a commit (a WAL flush) and its round trips under that lock each
 * time. Postings asked for within `windowMs` of the first (or while the batch before runs), up to `maxSize`, share
 * ONE platform transaction instead: journals (`postJournal`) go in one statement (`ledger_post_journals`, a
 * subtransaction each), other work (`post`, e.g. a refund that reads under the lock) runs after them, each under
 * its own savepoint. A posting that fails (an overdraft, an unknown payment) is rolled back alone and rejects only
 * its own caller; the others commit. A caller's promise settles only once the shared transaction has committed,
 * so a caller never acknowledges a posting that a later failure of the batch (the commit, the connection) undid:
 * then every caller of the batch gets that error and retries (postings are idempotent on their reference).
 *
 * Per process and in memory only for the few milliseconds a batch forms: a crash loses nothing but unacknowledged
 * work, which its queue redelivers.
 */
export class LedgerPostingBatcher {
  private queued: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** One batch at a time: they would queue for the writer lock anyway, and postings asked for meanwhile join the next. */
  private running = false;

  constructor(
    private readonly db: Database,
    private readonly options: LedgerBatchOptions,
  ) {}

  /** Posts a journal in a shared platform transaction; resolves once that transaction committed. */
  postJournal(posting: JournalPosting): Promise<PostedJournal> {
    return this.enqueue<PostedJournal>({ posting });
  }

  /** Runs `work` in a shared platform transaction; resolves with its result once that transaction committed. */
  post<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.enqueue<T>({ work });
  }

  private enqueue<T>(
    item: { posting: JournalPosting } | { work: (em: EntityManager) => Promise<unknown> },
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ ...item, resolve: resolve as (value: unknown) => void, reject });
      if (this.running) return;
      if (this.queued.length >= this.options.maxSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running || this.queued.length === 0) return;
    const batch = this.queued.splice(0, this.options.maxSize);
    this.running = true;
    void this.run(batch).finally(() => {
      this.running = false;
      // Whatever arrived meanwhile has waited a whole batch already: it goes at once.
      this.flush();
    });
  }

  private async run(batch: Queued[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      outcomes = await this.db.platform(async (em) => {
        const done: Outcome[] = new Array(batch.length);
        const journals = batch.flatMap((item, i) => (item.posting ? [{ i, posting: item.posting }] : []));
        if (journals.length > 0) {
          const posted = await postJournals(
            em,
            journals.map((j) => j.posting),
          );
          posted.forEach((outcome, n) => {
            done[journals[n].i] = outcome.ok
              ? { ok: true, value: outcome.posted }
              : { ok: false, error: outcome.error };
          });
        }
        for (const [i, item] of batch.entries()) {
          if (!item.work) continue;
          // Never released: a RELEASE is one more round trip under the ledger lock, and the savepoints of a batch
          // nest at most maxSize deep. ROLLBACK TO undoes the latest of that name: this posting's.
          await sql(em, 'SAVEPOINT ledger_posting');
          try {
            done[i] = { ok: true, value: await item.work(em) };
          } catch (error) {
            // Throws on when the transaction itself is gone; then the whole batch fails below.
            await sql(em, 'ROLLBACK TO SAVEPOINT ledger_posting');
            done[i] = { ok: false, error };
          }
        }
        return done;
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}

/**
 * Runs the same short round trip (a PostgreSQL statement, a Redis script) for many concurrent jobs of one process
 * as one call. Items that arrive while a call is in flight wait for it and then go together in the next one, so
 * an idle process adds no delay (the first item leaves at once) and a busy one pays one round trip for a whole
 * batch instead of one per job. Each caller gets its own item's result. When a batch fails, each of its items is
 * run again alone, so one item the call refuses (a row a constraint rejects) fails only its own job; `run` must
 * therefore be safe to repeat after a failure (a rolled-back transaction, an idempotent script).
 */
export class MicroBatcher<I, O> {
  private queued: { item: I; resolve: (out: O) => void; reject: (err: unknown) => void }[] = [];
  private running = false;

  /** `run` returns one result per item, in the order of the items. */
  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxBatch: number,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async runChecked(items: I[]): Promise<O[]> {
    const results = await this.run(items);
    if (results.length !== items.length) {
      throw new Error(`a batch of ${items.length} items returned ${results.length} results`);
    }
    return results;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queued.length > 0) {
        const batch = this.queued.splice(0, this.maxBatch);
        try {
          const results = await this.runChecked(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]));
        } catch (err) {
          if (batch.length === 1) {
            batch[0].reject(err);
            continue;
          }
          for (const b of batch) {
            await this.runChecked([b.item]).then(([out]) => b.resolve(out), b.reject);
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/**
 * Runs the same short round trip (a PostgreSQL statement, a Redis script) for many concurrent jobs of one process
 * as one call. Items that arrive while a call is in flight wait for it and then go together in the next one, so
 * an idle process adds no delay (the first item leaves at once) and a busy one pays one round trip for a whole
 * batch instead of one per job. Each caller gets its own item's result, or the batch's error.
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

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queued.length > 0) {
        const batch = this.queued.splice(0, this.maxBatch);
        try {
          const results = await this.run(batch.map((b) => b.item));
          if (results.length !== batch.length) {
            throw new Error(`a batch of ${batch.length} items returned ${results.length} results`);
          }
          batch.forEach((b, i) => b.resolve(results[i]));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

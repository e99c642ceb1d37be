import { Injectable } from '@nestjs/common';
import type { QueueHistoryPoint } from '@lsp/contracts';
import { Database, sql } from '@lsp/persistence';

interface Row {
  at: Date;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed_in_bucket: string;
  failed_in_bucket: string;
  is_paused: boolean;
}

@Injectable()
export class QueueHistoryRepository {
  constructor(private readonly db: Database) {}

  /**
   * Samples of one queue in [from, to), grouped into buckets of `bucketSeconds` (oldest first): the peak counts of
   * each bucket, and the jobs finished in it from the growth of BullMQ's running totals (the primary key
   * `(queue, at)` serves the range scan).
   */
  async history(queue: string, from: Date, to: Date, bucketSeconds: number): Promise<QueueHistoryPoint[]> {
    const rows = await this.db.platform((em) =>
      sql<Row>(
        em,
        `SELECT date_bin(make_interval(secs => $4), at, $2::timestamptz) AS at,
                max(waiting)::int AS waiting, max(active)::int AS active, max(delayed)::int AS delayed,
                max(failed)::int AS failed,
                greatest(0, max(completed_total) - min(completed_total)) AS completed_in_bucket,
                greatest(0, max(failed_total) - min(failed_total)) AS failed_in_bucket,
                bool_or(is_paused) AS is_paused
           FROM queue_metric_samples
          WHERE queue = $1 AND at >= $2 AND at < $3
          GROUP BY 1
          ORDER BY 1`,
        [queue, from, to, bucketSeconds],
      ),
    );
    return rows.map((r) => ({
      at: r.at.toISOString(),
      waiting: r.waiting,
      active: r.active,
      delayed: r.delayed,
      failed: r.failed,
      completedInBucket: Number(r.completed_in_bucket),
      failedInBucket: Number(r.failed_in_bucket),
      isPaused: r.is_paused,
    }));
  }
}

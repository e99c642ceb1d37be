import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * History of queue job counts, sampled every few seconds by the workers' queue metrics collector (recent samples
 * also live in Redis). Platform data, no RLS. The retention cleaner prunes by `at`, hence DELETE and that index.
 */
export class OperationsMonitoring1764190000000 implements MigrationInterface {
  name = 'OperationsMonitoring1764190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE queue_metric_samples (
        queue text NOT NULL CHECK (queue ~ '^[a-z][a-z0-9_-]{0,63}$'),
        at timestamptz NOT NULL,
        waiting integer NOT NULL CHECK (waiting >= 0),
        active integer NOT NULL CHECK (active >= 0),
        completed integer NOT NULL CHECK (completed >= 0),
        failed integer NOT NULL CHECK (failed >= 0),
        delayed integer NOT NULL CHECK (delayed >= 0),
        paused integer NOT NULL CHECK (paused >= 0),
        is_paused boolean NOT NULL,
        completed_total bigint NOT NULL CHECK (completed_total >= 0),
        failed_total bigint NOT NULL CHECK (failed_total >= 0),
        PRIMARY KEY (queue, at)
      )`);
    await q.query(`CREATE INDEX queue_metric_samples_at_idx ON queue_metric_samples (at)`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON queue_metric_samples TO lsp_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE queue_metric_samples`);
  }
}

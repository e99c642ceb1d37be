import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settlement runs (API.md §7): a run is the durable request "settle these merchants up to this cut-off", created
 * by the daily schedule or by `POST /api/v1/admin/settlements/run`, and worked through in batches by the
 * settlement processor. The run row outlives any worker: a worker killed mid-batch leaves the batch rolled back
 * and the run `running` with a lapsing lease, and the next worker to claim it resumes where the committed
 * batches stopped. What was settled is never decided by the run: `settlement_items` (unique per source journal,
 * from the ledger migration) is the only record, so a resumed or duplicated run cannot settle anything twice.
 */
export class Settlements1764175000000 implements MigrationInterface {
  name = 'Settlements1764175000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE settlement_runs (
        id text PRIMARY KEY CHECK (id ~ '^srn_[0-9A-Z]{26}$'),
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        -- scheduled runs settle the merchants on one schedule; manual runs one merchant or every merchant
        schedule text CHECK (schedule IN ('T+1', 'T+2')),
        -- one scheduled run per schedule and Indian business day, however many workers tick
        schedule_key text UNIQUE CHECK (length(schedule_key) BETWEEN 1 AND 50),
        merchant_id text REFERENCES merchants(id),
        cutoff timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'running', 'completed', 'failed')),
        requested_by text CHECK (length(requested_by) <= 100),
        -- a worker holds the run while lease_until is in the future; past it, another worker resumes the run
        lease_until timestamptz,
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        settlements_created integer NOT NULL DEFAULT 0 CHECK (settlements_created >= 0),
        items_settled bigint NOT NULL DEFAULT 0 CHECK (items_settled >= 0),
        -- merchant/currency pairs the run could not settle, with the reason (an overdraft, a negative net)
        refusals jsonb NOT NULL DEFAULT '[]',
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CHECK ((trigger = 'schedule') = (schedule IS NOT NULL AND schedule_key IS NOT NULL)),
        CHECK (trigger = 'manual' OR merchant_id IS NULL)
      )`);
    // The processor's claim: oldest open run first.
    await q.query(
      `CREATE INDEX settlement_runs_open_idx ON settlement_runs (created_at) WHERE status IN ('requested', 'running')`,
    );

    await q.query(`ALTER TABLE settlements ADD COLUMN run_id text REFERENCES settlement_runs(id)`);
    await q.query(`CREATE INDEX settlements_run_idx ON settlements (run_id)`);
    // List filters: by date alone, and by merchant and date.
    await q.query(`CREATE INDEX settlements_created_idx ON settlements (created_at, id)`);
    await q.query(`CREATE INDEX settlements_merchant_created_idx ON settlements (merchant_id, created_at)`);
    await q.query(`CREATE INDEX settlements_currency_idx ON settlements (currency, id)`);

    // Runs are platform work (not a merchant's rows): staff create them, the workers update them.
    await q.query(`GRANT SELECT, INSERT, UPDATE ON settlement_runs TO lsp_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX settlements_currency_idx, settlements_merchant_created_idx, settlements_created_idx`);
    await q.query(`ALTER TABLE settlements DROP COLUMN run_id`);
    await q.query(`DROP TABLE settlement_runs`);
  }
}

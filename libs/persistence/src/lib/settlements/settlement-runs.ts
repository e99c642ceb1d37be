import type { EntityManager } from 'typeorm';
import type { SettlementRefusalView } from '@lsp/contracts';
import { AUTOMATIC_SCHEDULES, newId, scheduledCutoff, scheduledRunKey } from '@lsp/domain';
import type { Database } from '../database';
import { sql } from '../sql';
import { releaseDue } from '../ledger/ledger-postings';
import { type SettledBatch, SettlementRefusedError, settleNextBatch } from './settlement-batches';
import type { SettlementRunRow } from './settlement-views';

/** A run that failed this many times in a row is given up (status `failed`) instead of retried forever. */
export const SETTLEMENT_RUN_MAX_ATTEMPTS = 5;
/**
 * Releases per transaction, under the ledger lock. Each journal of a batch is its own subtransaction: at most 64
 * keep PostgreSQL's per-backend cache of them from overflowing, which slows every other session's snapshots.
 */
const RELEASE_BATCH = 50;
/** Merchants settled at once within a run: two connections of the worker's pool. */
const RUN_PARALLELISM = 2;

export async function createManualRun(
  em: EntityManager,
  input: { merchantId: string | null; cutoff: Date; requestedBy: string | null },
): Promise<SettlementRunRow> {
  const [row] = await sql<SettlementRunRow>(
    em,
    `INSERT INTO settlement_runs (id, trigger, merchant_id, cutoff, requested_by)
     VALUES ($1, 'manual', $2, $3, $4) RETURNING *`,
    [newId('settlementRun'), input.merchantId, input.cutoff, input.requestedBy],
  );
  return row;
}

/**
 * Creates today's T+1 and T+2 runs (Indian business day) unless they exist: the unique schedule key makes every
 * tick of every worker converge on one run per schedule and day. Returns how many were created.
 */
export async function ensureScheduledRuns(em: EntityManager, now: Date): Promise<number> {
  let created = 0;
  for (const schedule of AUTOMATIC_SCHEDULES) {
    const rows = await sql(
      em,
      `INSERT INTO settlement_runs (id, trigger, schedule, schedule_key, cutoff, requested_by)
       VALUES ($1, 'schedule', $2, $3, $4, 'schedule')
       ON CONFLICT (schedule_key) DO NOTHING RETURNING id`,
      [newId('settlementRun'), schedule, scheduledRunKey(schedule, now), scheduledCutoff(schedule, now)],
    );
    created += rows.length;
  }
  return created;
}

/**
 * Takes the oldest open run nobody holds: requested, or running under a lease that lapsed (its worker died or
 * stalled). The lease is renewed by every committed batch; SKIP LOCKED keeps two claimers off one row.
 */
export async function claimRun(db: Database, leaseMs: number): Promise<SettlementRunRow | null> {
  return db.platform(async (em) => {
    const [row] = await sql<SettlementRunRow>(
      em,
      `UPDATE settlement_runs
          SET status = 'running', lease_until = now() + $1 * interval '1 millisecond', attempts = attempts + 1,
              started_at = coalesce(started_at, now())
        WHERE id = (SELECT id FROM settlement_runs
                     WHERE status IN ('requested', 'running') AND (lease_until IS NULL OR lease_until < now())
                     ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [leaseMs],
    );
    return row ?? null;
  });
}

export function findRun(em: EntityManager, id: string): Promise<SettlementRunRow | undefined> {
  return sql<SettlementRunRow>(em, `SELECT * FROM settlement_runs WHERE id = $1`, [id]).then((rows) => rows[0]);
}

async function renewLease(em: EntityManager, runId: string, leaseMs: number, settled?: SettledBatch): Promise<void> {
  await sql(
    em,
    `UPDATE settlement_runs
        SET lease_until = now() + $2 * interval '1 millisecond',
            settlements_created = settlements_created + $3, items_settled = items_settled + $4
      WHERE id = $1`,
    [runId, leaseMs, settled ? 1 : 0, settled?.settlement.itemCount ?? 0],
  );
}

/** One refusal per merchant, currency and code: a resumed run that is refused again replaces its earlier entry. */
async function recordRefusal(em: EntityManager, runId: string, refusal: SettlementRefusalView): Promise<void> {
  await sql(
    em,
    `UPDATE settlement_runs
        SET refusals = coalesce((SELECT jsonb_agg(r) FROM jsonb_array_elements(refusals) r
                                  WHERE NOT (r->>'merchantId' = $2 AND r->>'currency' = $3 AND r->>'code' = $5)),
                                '[]'::jsonb)
                       || jsonb_build_array($4::jsonb)
      WHERE id = $1`,
    [runId, refusal.merchantId, refusal.currency, JSON.stringify(refusal), refusal.code],
  );
}

/** Merchant accounts a run may settle: holding available money, of the run's merchant or schedule. */
function pairsOf(em: EntityManager, run: SettlementRunRow): Promise<{ merchant_id: string; currency: string }[]> {
  return sql(
    em,
    `SELECT a.merchant_id, a.currency FROM ledger_accounts a JOIN merchants m ON m.id = a.merchant_id
      WHERE a.kind = 'merchant_available' AND a.balance > 0
        AND ($1::text IS NULL OR a.merchant_id = $1) AND ($2::text IS NULL OR m.settlement_schedule = $2)
      ORDER BY a.merchant_id, a.currency`,
    [run.merchant_id, run.schedule],
  );
}

/**
 * Works a claimed run to its end: matured captures (a manual run: every capture up to its cut-off) are released
 * (pending → available), then every merchant and
 * currency the run covers is settled in batches of at most `batchSize` items, each batch its own transaction
 * that also renews the lease and counts the run's progress. Killed at any point, the run is resumed by the next
 * claim after the lease lapses, and settles only what no committed batch did. Currencies are settled apart:
 * one settlement is always one currency.
 */
export async function executeRun(
  db: Database,
  run: SettlementRunRow,
  options: { batchSize: number; leaseMs: number },
): Promise<SettlementRunRow> {
  // A scheduled run settles what its T+N cut-off matured; a manual run settles everything captured up to its
  // own cut-off (API.md §7), so it first releases those captures whatever their schedule's cut-off. Either way
  // the settlement step below only takes amounts captured by `run.cutoff`.
  const capturedBefore = run.trigger === 'manual' ? run.cutoff : null;
  try {
    for (;;) {
      const released = await db.platform(async (em) => {
        const result = await releaseDue(em, new Date(), {
          limit: RELEASE_BATCH,
          merchantId: run.merchant_id,
          capturedBefore,
        });
        // A refused release is held (and alerted) by releaseDue; the run names the merchant's wallet it left out.
        const refusedPairs = new Map(result.refused.map((r) => [`${r.merchantId}:${r.currency}`, r]));
        for (const r of refusedPairs.values()) {
          await recordRefusal(em, run.id, {
            merchantId: r.merchantId,
            currency: r.currency,
            code: 'release_refused',
            message:
              `captures such as ${r.paymentId} could not move from pending to available (the pending wallet ` +
              `would be overdrawn), so they are not settled; each is held and raised as an alert`,
          });
        }
        await renewLease(em, run.id, options.leaseMs);
        return result.released + result.refused.length;
      });
      if (released < RELEASE_BATCH) break;
    }
    const pairs = await db.platform((em) => pairsOf(em, run));
    const settlePair = async (merchantId: string, currency: string): Promise<void> => {
      let cursor = '';
      for (;;) {
        let batch: SettledBatch | null;
        try {
          batch = await db.platform(async (em) => {
            const settled = await settleNextBatch(em, {
              merchantId,
              currency,
              cutoff: run.cutoff,
              runId: run.id,
              limit: options.batchSize,
              afterEntryId: cursor,
            });
            await renewLease(em, run.id, options.leaseMs, settled ?? undefined);
            return settled;
          });
        } catch (e) {
          if (!(e instanceof SettlementRefusedError)) throw e;
          await db.platform((em) =>
            recordRefusal(em, run.id, { merchantId, currency, code: e.code, message: e.message }),
          );
          return;
        }
        if (!batch || batch.exhausted) return;
        cursor = batch.cursor;
      }
    };
    // Merchants are independent (each has its own lock), so a few are settled side by side; the ledger's
    // writer lock is held only for the short posting at the end of each batch.
    let next = 0;
    let failed = false;
    await Promise.all(
      Array.from({ length: Math.min(RUN_PARALLELISM, pairs.length) }, async () => {
        while (next < pairs.length && !failed) {
          const { merchant_id, currency } = pairs[next++];
          try {
            await settlePair(merchant_id, currency);
          } catch (e) {
            failed = true;
            throw e;
          }
        }
      }),
    );
    return await db.platform(async (em) => {
      const [done] = await sql<SettlementRunRow>(
        em,
        `UPDATE settlement_runs SET status = 'completed', finished_at = now(), lease_until = NULL, error = NULL
          WHERE id = $1 RETURNING *`,
        [run.id],
      );
      return done;
    });
  } catch (e) {
    // Give the run back at once (the next tick retries it), or give up after repeated failures.
    const message = (e as Error).message.slice(0, 500);
    await db
      .platform((em) =>
        sql(
          em,
          `UPDATE settlement_runs
              SET error = $2, lease_until = NULL,
                  status = CASE WHEN attempts >= $3 THEN 'failed' ELSE status END,
                  finished_at = CASE WHEN attempts >= $3 THEN now() ELSE finished_at END
            WHERE id = $1`,
          [run.id, message, SETTLEMENT_RUN_MAX_ATTEMPTS],
        ),
      )
      .catch(() => undefined);
    throw e;
  }
}

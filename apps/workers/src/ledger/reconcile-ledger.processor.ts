import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@lsp/platform';
import { newId } from '@lsp/domain';
import {
  Database,
  LEDGER_CHECKS,
  type LedgerCheckResult,
  raiseAlert,
  resolveAlertByFingerprint,
  runLedgerCheck,
  sql,
} from '@lsp/persistence';
import type { ScheduledRunPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { LOGGER } from '../core/tokens';

export const reconciliationFingerprint = (check: string): string => `reconciliation-break:${check}`;

export interface ReconciliationResult {
  runId: string;
  ok: boolean;
  checks: { check: string; ok: boolean; breaks: number }[];
}

/**
 * Nightly reconciliation: payments against journals, and the ledger's invariants (every journal and every
 * currency sums to zero, every account balance equals its entries, no negative balance, one journal per cause,
 * an intact hash chain). Each check runs in its own read-only pass; the run is recorded with its findings, and
 * each failing check raises (or bumps) `reconciliation-break:<check>` naming the accounts or payments at fault,
 * while a check that passes again resolves its alert.
 */
@Injectable()
@ProcessesJob('ledger', 'reconcile-ledger')
export class ReconcileLedgerProcessor implements JobProcessor<'ledger', 'reconcile-ledger'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: ScheduledRunPayload): Promise<ReconciliationResult> {
    const startedAt = new Date();
    const results: LedgerCheckResult[] = [];
    for (const check of LEDGER_CHECKS) results.push(await this.db.platform((em) => runLedgerCheck(em, check)));

    const runId = newId('check');
    const ok = results.every((r) => r.ok);
    await this.db.platform(async (em) => {
      await sql(
        em,
        `INSERT INTO ledger_reconciliation_runs (id, trigger, started_at, ok, checks, breaks) VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          runId,
          payload.trigger,
          startedAt,
          ok,
          JSON.stringify(results.map((r) => ({ check: r.check, ok: r.ok, breaks: r.breaks.length }))),
          JSON.stringify(results.flatMap((r) => r.breaks.map((b) => ({ check: r.check, ...b })))),
        ],
      );
      for (const result of results) {
        const fingerprint = reconciliationFingerprint(result.check);
        if (result.ok) {
          await resolveAlertByFingerprint(em, fingerprint);
          continue;
        }
        await raiseAlert(em, {
          fingerprint,
          severity: 'critical',
          source: 'workers/ledger',
          title: `Ledger reconciliation break: ${result.check}`,
          message: result.breaks
            .slice(0, 5)
            .map((b) => b.message)
            .join('; '),
          details: { runId, subjects: result.breaks.map((b) => b.subject) },
        });
      }
    });
    const summary = results.map((r) => ({ check: r.check, ok: r.ok, breaks: r.breaks.length }));
    if (ok) this.logger.info({ runId, trigger: payload.trigger }, 'ledger reconciled: no breaks');
    else this.logger.error({ runId, checks: summary.filter((c) => !c.ok) }, 'ledger reconciliation found breaks');
    return { runId, ok, checks: summary };
  }
}

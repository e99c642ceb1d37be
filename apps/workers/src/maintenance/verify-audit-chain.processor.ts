import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from '@lsp/platform';
import { Database, raiseAlert, recordChainCheck, resolveAlertByFingerprint, verifyAuditChain } from '@lsp/persistence';
import type { VerifyAuditChainPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { LOGGER } from '../core/tokens';

export const AUDIT_CHAIN_ALERT = 'audit-chain-broken';

export interface VerifyAuditChainResult {
  checkId: string;
  ok: boolean;
  rowsChecked: number;
  brokenAtId: string | null;
}

/**
 * Walks the audit log hash chain and records the outcome. Check, record and alert happen in one transaction, so
 * an alert always has the check that raised it. A broken chain raises (or bumps) one critical alert; an intact
 * chain resolves it, so the alert stays open exactly while the chain is broken.
 */
@Injectable()
@ProcessesJob('maintenance', 'verify-audit-chain')
export class VerifyAuditChainProcessor implements JobProcessor<'maintenance', 'verify-audit-chain'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: VerifyAuditChainPayload, job: Job): Promise<VerifyAuditChainResult> {
    const result = await this.db.platform(async (em) => {
      const check = await verifyAuditChain(em);
      const checkId = await recordChainCheck(em, check);
      if (check.ok) {
        await resolveAlertByFingerprint(em, AUDIT_CHAIN_ALERT);
      } else {
        await raiseAlert(em, {
          fingerprint: AUDIT_CHAIN_ALERT,
          severity: 'critical',
          source: 'workers/maintenance',
          title: 'Audit log hash chain is broken',
          message: check.message,
          details: {
            brokenAtId: check.brokenAtId,
            rowsChecked: check.rowsChecked,
            checkId,
          },
        });
      }
      return {
        checkId,
        ok: check.ok,
        rowsChecked: check.rowsChecked,
        brokenAtId: check.brokenAtId,
      };
    });
    const log = { ...result, trigger: payload.trigger, jobId: job.id };
    if (result.ok) this.logger.info(log, 'audit chain intact');
    else this.logger.error(log, 'audit chain broken');
    return result;
  }
}

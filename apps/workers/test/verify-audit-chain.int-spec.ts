import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { eventually } from '@lsp/testing';
import { Database, appendAudit, type AuditEntry } from '@lsp/persistence';
import { addJob, jobId } from '@lsp/queues';
import { AUDIT_CHAIN_ALERT, type VerifyAuditChainResult } from '../src/maintenance/verify-audit-chain.processor';
import { bootWorkers, clearPrefix, testConfig } from './helpers';

function entry(n: number): AuditEntry {
  return {
    actorId: null,
    actorEmail: 'ops@test.lightspeedpay.local',
    action: 'merchant.update',
    objectType: 'merchant',
    objectId: `mer_${n}`,
    diff: { before: { name: `old ${n}` }, after: { name: `new ${n}` } },
    requestId: `req_${n}`,
    ip: '127.0.0.1',
  };
}

describe('verify-audit-chain', () => {
  const config = testConfig('audit');
  let app: INestApplicationContext;
  let db: Database;
  let queue: Queue;
  // The owner (superuser) connection: the only way to tamper with the append-only log.
  let owner: Client;
  let run = 0;

  async function verify(): Promise<VerifyAuditChainResult> {
    run++;
    const job = await addJob(
      queue,
      'maintenance',
      'verify-audit-chain',
      { trigger: 'manual' },
      {
        jobId: jobId('maintenance', 'verify-audit-chain', 'manual', `run${run}`),
      },
    );
    return eventually(async () => {
      const state = await job.getState();
      if (state === 'failed') throw new Error('verification job failed');
      if (state !== 'completed') return undefined;
      return (await queue.getJob(job.id as string))?.returnvalue as VerifyAuditChainResult;
    });
  }

  async function openAlerts(): Promise<{ severity: string; details: Record<string, unknown>; status: string }[]> {
    const { rows } = await owner.query(
      `SELECT severity, details, status FROM alerts WHERE fingerprint = $1 AND status <> 'resolved'`,
      [AUDIT_CHAIN_ALERT],
    );
    return rows;
  }

  beforeAll(async () => {
    app = await bootWorkers(config);
    db = app.get(Database);
    queue = app.get<Queue>(getQueueToken('maintenance'));
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
  });

  afterAll(async () => {
    await owner.end();
    await app.close();
    await clearPrefix(config);
  });

  it('records an ok check on an intact chain', async () => {
    for (const n of [1, 2, 3]) await db.platform((em) => appendAudit(em, entry(n)));

    const result = await verify();

    expect(result).toMatchObject({ ok: true, brokenAtId: null });
    expect(result.rowsChecked).toBeGreaterThanOrEqual(3);
    const { rows } = await owner.query(`SELECT ok, rows_checked FROM audit_chain_checks WHERE id = $1`, [
      result.checkId,
    ]);
    expect(rows).toEqual([{ ok: true, rows_checked: result.rowsChecked }]);
    expect(await openAlerts()).toEqual([]);
  });

  it('refuses UPDATE on audit_logs to the runtime role', async () => {
    await expect(db.platform((em) => em.query(`UPDATE audit_logs SET diff = '{}'::jsonb`))).rejects.toThrow(
      /permission denied/,
    );
  });

  it('records a failed check and raises one critical alert when a row was edited, and resolves it once repaired', async () => {
    const { rows } = await owner.query(`SELECT id, diff FROM audit_logs ORDER BY seq LIMIT 1 OFFSET 1`);
    const [{ id: tamperedId, diff: original }] = rows as {
      id: string;
      diff: unknown;
    }[];
    await owner.query(`UPDATE audit_logs SET diff = jsonb_set(diff, '{after,name}', '"forged"') WHERE id = $1`, [
      tamperedId,
    ]);

    const broken = await verify();
    expect(broken).toMatchObject({ ok: false, brokenAtId: tamperedId });
    const { rows: checks } = await owner.query(`SELECT ok, broken_at_id FROM audit_chain_checks WHERE id = $1`, [
      broken.checkId,
    ]);
    expect(checks).toEqual([{ ok: false, broken_at_id: tamperedId }]);
    const [alert] = await openAlerts();
    expect(alert).toMatchObject({
      severity: 'critical',
      status: 'open',
      details: { brokenAtId: tamperedId },
    });

    // Still broken: the same alert is bumped, not duplicated.
    await verify();
    expect(await openAlerts()).toHaveLength(1);

    await owner.query(`UPDATE audit_logs SET diff = $2 WHERE id = $1`, [tamperedId, JSON.stringify(original)]);
    expect(await verify()).toMatchObject({ ok: true });
    expect(await openAlerts()).toEqual([]);
  });
});

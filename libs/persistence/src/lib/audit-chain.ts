import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { sql } from './sql';
import { canonicalJson, newId } from '@lsp/domain';

export interface AuditEntry {
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  diff: { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
  requestId: string | null;
  ip: string | null;
}

export interface ChainCheck {
  ok: boolean;
  rowsChecked: number;
  brokenAtId: string | null;
  headId: string | null;
  headHash: string | null;
  message: string;
}

export const AUDIT_GENESIS = '0'.repeat(64);
// Serialises appends across every API and worker process so each row links to the true previous head.
const AUDIT_CHAIN_LOCK = 7_240_001;

interface AuditRow {
  id: string;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  diff: AuditEntry['diff'];
  request_id: string | null;
  ip: string | null;
  created_at: Date;
  prev_hash: string;
  hash: string;
}

function rowHash(prevHash: string, row: Omit<AuditRow, 'prev_hash' | 'hash'>): string {
  const content = canonicalJson({
    id: row.id,
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    diff: row.diff,
    requestId: row.request_id,
    ip: row.ip,
    createdAt: row.created_at.toISOString(),
  });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/**
 * Appends one audit record inside the caller's transaction, so the record exists exactly when the change it
 * describes does. Each row carries the hash of the previous row: editing or deleting any row breaks the chain.
 */
export async function appendAudit(em: EntityManager, entry: AuditEntry): Promise<string> {
  await sql(em, `SELECT pg_advisory_xact_lock($1)`, [AUDIT_CHAIN_LOCK]);
  const [head] = (await sql(em, `SELECT hash FROM audit_logs ORDER BY seq DESC LIMIT 1`)) as { hash: string }[];
  const prevHash = head?.hash ?? AUDIT_GENESIS;
  const row = {
    id: newId('auditLog'),
    actor_id: entry.actorId,
    actor_email: entry.actorEmail,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId,
    diff: entry.diff,
    request_id: entry.requestId,
    ip: entry.ip,
    // Millisecond precision so the value read back hashes the same as the value written.
    created_at: new Date(),
  };
  const hash = rowHash(prevHash, row);
  await sql(
    em,
    `INSERT INTO audit_logs (id, actor_id, actor_email, action, object_type, object_id, diff, request_id, ip, created_at, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      row.id,
      row.actor_id,
      row.actor_email,
      row.action,
      row.object_type,
      row.object_id,
      JSON.stringify(row.diff),
      row.request_id,
      row.ip,
      row.created_at,
      prevHash,
      hash,
    ],
  );
  return row.id;
}

/**
 * Walks the whole chain in order. Detects an edited row (its hash no longer matches its content), a deleted or
 * inserted row (the next row's prev_hash no longer matches), and a truncated tail (the head recorded by the
 * previous check is gone or changed).
 */
export async function verifyAuditChain(em: EntityManager, batchSize = 1000): Promise<ChainCheck> {
  let prevHash = AUDIT_GENESIS;
  let lastSeq = '0';
  let rowsChecked = 0;
  let headId: string | null = null;
  const seen = new Map<string, string>();
  const [previous] = (await sql(
    em,
    `SELECT head_id, head_hash FROM audit_chain_checks WHERE ok AND head_id IS NOT NULL ORDER BY checked_at DESC, id DESC LIMIT 1`,
  )) as { head_id: string; head_hash: string }[];

  for (;;) {
    const rows = (await sql(
      em,
      `SELECT seq, id, actor_id, actor_email, action, object_type, object_id, diff, request_id, ip, created_at, prev_hash, hash
         FROM audit_logs WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [lastSeq, batchSize],
    )) as (AuditRow & { seq: string })[];
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.prev_hash !== prevHash) {
        return broken(
          rowsChecked,
          row.id,
          `audit log ${row.id} does not link to the row before it (a row was removed or inserted)`,
        );
      }
      if (rowHash(prevHash, row) !== row.hash) {
        return broken(rowsChecked, row.id, `audit log ${row.id} was modified after it was written`);
      }
      if (previous && row.id === previous.head_id) seen.set(row.id, row.hash);
      prevHash = row.hash;
      headId = row.id;
      rowsChecked++;
      lastSeq = row.seq;
    }
  }
  if (previous && seen.get(previous.head_id) !== previous.head_hash) {
    return broken(
      rowsChecked,
      previous.head_id,
      `audit log ${previous.head_id}, the head at the last check, is missing (the log was truncated)`,
    );
  }
  return {
    ok: true,
    rowsChecked,
    brokenAtId: null,
    headId,
    headHash: headId ? prevHash : null,
    message: `audit chain intact: ${rowsChecked} rows`,
  };
}

function broken(rowsChecked: number, id: string, message: string): ChainCheck {
  return { ok: false, rowsChecked, brokenAtId: id, headId: null, headHash: null, message };
}

/** Stores the outcome of a check; the next check uses its head to detect truncation. */
export async function recordChainCheck(em: EntityManager, check: ChainCheck): Promise<string> {
  const id = newId('check');
  await sql(
    em,
    `INSERT INTO audit_chain_checks (id, ok, rows_checked, broken_at_id, head_id, head_hash, message) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, check.ok, check.rowsChecked, check.brokenAtId, check.headId, check.headHash, check.message],
  );
  return id;
}

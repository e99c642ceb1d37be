import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import type { E2eState } from './global-setup';
import { POSTGRES_ADMIN_URL, STATE_FILE } from './paths';

/**
 * Captured money becomes available for settlement at the merchant's next cut-off (midnight in India). A browser
 * test cannot wait for tomorrow, so it moves the scheduled release of one merchant's captures into the past —
 * only the schedule row; the ledger's journals are left exactly as the platform posted them.
 */
export async function matureCapturesOf(merchantId: string): Promise<number> {
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2eState;
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${state.databaseName}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const result = await client.query(
      `UPDATE ledger_pending_releases SET available_at = now() - interval '1 minute' WHERE merchant_id = $1`,
      [merchantId],
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

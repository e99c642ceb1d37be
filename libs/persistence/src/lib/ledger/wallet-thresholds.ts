import type { EntityManager } from 'typeorm';
import { sql } from '../sql';

export interface WalletThresholdState {
  merchant_id: string;
  currency: string;
  low_balance_threshold: string;
  below_since: Date | null;
  /** The wallet's available balance (0 while it has no account yet). */
  balance: string;
}

/** Sets (or with `null` removes) a merchant's low-balance threshold in one currency. */
export async function setWalletThreshold(
  em: EntityManager,
  merchantId: string,
  currency: string,
  threshold: number | null,
): Promise<void> {
  if (threshold === null) {
    await sql(em, `DELETE FROM wallet_alert_thresholds WHERE merchant_id = $1 AND currency = $2`, [
      merchantId,
      currency,
    ]);
    return;
  }
  await sql(
    em,
    `INSERT INTO wallet_alert_thresholds (merchant_id, currency, low_balance_threshold) VALUES ($1, $2, $3)
     ON CONFLICT (merchant_id, currency) DO UPDATE SET low_balance_threshold = EXCLUDED.low_balance_threshold, updated_at = now()`,
    [merchantId, currency, threshold],
  );
}

/** A page of thresholds with the wallets' available balances, locked so two monitors never judge one twice. */
export function walletThresholdPage(
  em: EntityManager,
  afterKey: string,
  limit: number,
): Promise<WalletThresholdState[]> {
  return sql<WalletThresholdState>(
    em,
    `SELECT t.merchant_id, t.currency, t.low_balance_threshold, t.below_since, coalesce(a.balance, 0) AS balance
       FROM wallet_alert_thresholds t
       LEFT JOIN ledger_accounts a ON a.kind = 'merchant_available' AND a.currency = t.currency
                                  AND coalesce(a.merchant_id, '') = t.merchant_id
      WHERE t.merchant_id || ':' || t.currency > $1
      ORDER BY t.merchant_id || ':' || t.currency LIMIT $2
      FOR UPDATE OF t SKIP LOCKED`,
    [afterKey, limit],
  );
}

export async function markWalletBelow(
  em: EntityManager,
  merchantId: string,
  currency: string,
  below: boolean,
): Promise<void> {
  await sql(
    em,
    `UPDATE wallet_alert_thresholds SET below_since = CASE WHEN $3 THEN now() ELSE NULL END
      WHERE merchant_id = $1 AND currency = $2`,
    [merchantId, currency, below],
  );
}

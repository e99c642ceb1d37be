import type { Client } from 'pg';
import { type Database, postCapture, postRefund, releaseDue } from '@lsp/persistence';
import { insertCapturedPayment, insertSucceededRefund } from './ledger.factory';

const DAY_MS = 86_400_000;

export interface SeededCapture {
  paymentId: string;
  net: number;
}

/**
 * Captures posted to the ledger as if made `daysAgo` days ago, so they have matured by now (T+1, T+2 and manual
 * all mature within two days). Returns each payment with its net (amount less the default 2 % commission).
 */
export async function seedCaptures(
  owner: Client,
  db: Database,
  merchantId: string,
  amounts: readonly number[],
  options: { currency?: string; daysAgo?: number } = {},
): Promise<SeededCapture[]> {
  const capturedAt = new Date(Date.now() - (options.daysAgo ?? 3) * DAY_MS);
  const seeded: SeededCapture[] = [];
  for (const amount of amounts) {
    const paymentId = await insertCapturedPayment(owner, merchantId, amount, { currency: options.currency });
    const posted = await db.platform((em) => postCapture(em, paymentId, capturedAt));
    seeded.push({ paymentId, net: amount - posted.commission });
  }
  return seeded;
}

/** Pending → available for everything matured, as a run does first. */
export async function releaseMatured(db: Database, merchantId: string): Promise<void> {
  for (;;) {
    const { released } = await db.platform((em) => releaseDue(em, new Date(), { merchantId, limit: 500 }));
    if (released < 500) return;
  }
}

/** A succeeded refund posted now; returns the merchant's share of it (what leaves its wallet). */
export async function refundNow(owner: Client, db: Database, paymentId: string, amount: number): Promise<number> {
  const refundId = await insertSucceededRefund(owner, paymentId, amount);
  const posted = await db.platform((em) => postRefund(em, refundId));
  return posted.merchant;
}

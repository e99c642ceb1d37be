/**
 * What caused a journal. Each journal carries a unique `reference` naming its cause (`capture:<paymentId>`,
 * `refund:<refundId>`, `release:<paymentId>`, `settlement:<settlementId>`…), so posting the same
 * cause twice is refused by a unique index instead of moving the money twice.
 */
export const JOURNAL_TYPES = ['capture', 'refund', 'release', 'settlement', 'adjustment'] as const;
export type JournalType = (typeof JOURNAL_TYPES)[number];

export function isJournalType(value: unknown): value is JournalType {
  return typeof value === 'string' && (JOURNAL_TYPES as readonly string[]).includes(value);
}

/** The idempotency reference of each journal type's cause; one function so every writer spells them alike. */
export const journalReference = {
  capture: (paymentId: string): string => `capture:${paymentId}`,
  refund: (refundId: string): string => `refund:${refundId}`,
  release: (paymentId: string): string => `release:${paymentId}`,
  settlement: (settlementId: string): string => `settlement:${settlementId}`,
} as const;

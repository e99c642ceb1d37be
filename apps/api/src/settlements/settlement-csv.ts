import { Readable } from 'node:stream';
import type { SettlementItemRow, SettlementRow } from '@lsp/persistence';
import { toSettlementItemView } from '@lsp/persistence';

export const CSV_PAGE_SIZE = 1000;

export const CSV_HEADER = [
  'settlement_id',
  'merchant_id',
  'currency',
  'source_journal_id',
  'type',
  'payment_id',
  'refund_id',
  'amount_minor',
];

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (fields: (string | number | null)[]): string => `${fields.map(csvField).join(',')}\r\n`;

/**
 * A settlement's items as CSV, fetched page by page (keyset on the source journal) while the client reads: memory
 * stays one page whatever the settlement's size, and a client that stops reading stops the queries. Items are
 * immutable once their settlement committed, so the pages form one consistent file.
 */
export function settlementCsv(
  settlement: SettlementRow,
  page: (after: string, limit: number) => Promise<SettlementItemRow[]>,
): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield csvLine(CSV_HEADER);
    let after = '';
    for (;;) {
      const rows = await page(after, CSV_PAGE_SIZE);
      if (rows.length === 0) return;
      let chunk = '';
      for (const row of rows) {
        const item = toSettlementItemView(row);
        chunk += csvLine([
          settlement.id,
          settlement.merchant_id,
          settlement.currency,
          item.sourceJournalId,
          item.type,
          item.paymentId,
          item.refundId,
          item.amount,
        ]);
      }
      yield chunk;
      if (rows.length < CSV_PAGE_SIZE) return;
      after = rows[rows.length - 1].source_journal_id;
    }
  }
  return Readable.from(lines(), { objectMode: false });
}

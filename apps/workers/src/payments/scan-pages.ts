import type { ScanCursor } from './payment-scans.repository';

/**
 * Walks due rows page by page (keyset, not offset: rows claimed meanwhile do not shift the pages) and hands each
 * page to `enqueue`. Stops at a short page or after `maxPages`; whatever is left is found by the next run.
 */
export async function scanPages<R extends { id: string; cursor_at: string }>(
  fetch: (after: ScanCursor | null) => Promise<R[]>,
  enqueue: (rows: R[]) => Promise<unknown>,
  { batchSize, maxPages }: { batchSize: number; maxPages: number },
): Promise<number> {
  let found = 0;
  let after: ScanCursor | null = null;
  for (let page = 0; page < maxPages; page++) {
    const rows = await fetch(after);
    if (rows.length > 0) await enqueue(rows);
    found += rows.length;
    if (rows.length < batchSize) break;
    const last = rows[rows.length - 1];
    after = { at: last.cursor_at, id: last.id };
  }
  return found;
}

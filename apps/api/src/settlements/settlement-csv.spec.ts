import type { SettlementItemRow, SettlementRow } from '@lsp/persistence';
import { CSV_PAGE_SIZE, csvField, settlementCsv } from './settlement-csv';

const settlement: SettlementRow = {
  id: 'stl_01JAZ3NDEKTSV4RRFFQ69G5FAV',
  merchant_id: 'mer_01JAZ3NDEKTSV4RRFFQ69G5FAV',
  currency: 'INR',
  status: 'paid',
  amount: '0',
  item_count: 0,
  cutoff: new Date('2026-11-26T00:00:00Z'),
  run_id: null,
  journal_id: null,
  created_at: new Date('2026-11-26T00:00:00Z'),
  paid_at: null,
};

const item = (n: number): SettlementItemRow => ({
  source_journal_id: `jnl_${String(n).padStart(26, '0')}`,
  journal_type: n % 10 === 0 ? 'refund' : 'release',
  payment_id: `pay_${String(n).padStart(26, '0')}`,
  refund_id: n % 10 === 0 ? `rfd_${String(n).padStart(26, '0')}` : null,
  amount: n % 10 === 0 ? '-50' : '980',
});

describe('settlementCsv', () => {
  it('pages through every item by keyset, fetching only as the reader reads', async () => {
    const all = Array.from({ length: 2 * CSV_PAGE_SIZE + 5 }, (_, i) => item(i + 1));
    const calls: string[] = [];
    const stream = settlementCsv(settlement, async (after, limit) => {
      calls.push(after);
      const start = after ? all.findIndex((r) => r.source_journal_id === after) + 1 : 0;
      return all.slice(start, start + limit);
    });
    // Nothing is fetched before someone reads.
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([]);

    let text = '';
    for await (const chunk of stream) text += String(chunk);
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(all.length + 1);
    expect(lines[1]).toBe(
      `${settlement.id},${settlement.merchant_id},INR,${all[0].source_journal_id},payment,${all[0].payment_id},,980`,
    );
    expect(lines[10]).toBe(
      `${settlement.id},${settlement.merchant_id},INR,${all[9].source_journal_id},refund,${all[9].payment_id},${all[9].refund_id},-50`,
    );
    expect(calls).toEqual(['', all[CSV_PAGE_SIZE - 1].source_journal_id, all[2 * CSV_PAGE_SIZE - 1].source_journal_id]);
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [null, ''],
    [-42, '-42'],
  ])('quotes %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

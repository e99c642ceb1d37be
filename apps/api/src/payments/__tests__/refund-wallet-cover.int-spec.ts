import { Client } from 'pg';
import type { PaymentView, RefundView } from '@lsp/contracts';
import { JournalBuilder } from '@lsp/domain';
import { SandboxGatewayAdapter } from '@lsp/gateways';
import {
  Database,
  dataSourceFor,
  merchantAccount,
  postCapture,
  postJournal,
  postRefund,
  releaseDue,
  settleNextBatch,
} from '@lsp/persistence';
import { eventually } from '@lsp/testing';
import { ApiHarness, type TestResponse, expectError } from '../../../test/api-harness';

const DAY_MS = 86_400_000;

/**
 * A refund takes the merchant's share back from its wallet (API.md §7): one the wallet cannot cover is refused
 * with 409 `insufficient_funds` before the gateway is asked, counting refunds the ledger has not posted yet, and
 * concurrent requests cannot spend the same balance twice. The sandbox gateway's refund call is watched to prove
 * it is never made for a refused refund. Ledger postings are made here as the workers would (none run).
 * The default platform rule charges 2 %: a capture of 10 000 credits the merchant 9 800.
 */
describe('refunds the merchant wallet cannot cover', () => {
  let api: ApiHarness;
  let owner: Client;
  let db: Database;
  let admin: string;
  let n = 0;
  const gatewayRefunds = jest.spyOn(SandboxGatewayAdapter.prototype, 'refund');

  beforeAll(async () => {
    api = await ApiHarness.start({ SANDBOX_CALLBACK_DELAY: '50ms' });
    owner = new Client({ connectionString: api.config.databaseUrl });
    await owner.connect();
    const ds = dataSourceFor(api.config, 'app', 4);
    await ds.initialize();
    db = new Database(ds);
    admin = (await api.login()).accessToken;
  });

  afterAll(async () => {
    gatewayRefunds.mockRestore();
    await db.dataSource.destroy();
    await owner.end();
    await api.close();
  });

  beforeEach(() => gatewayRefunds.mockClear());

  async function merchant(): Promise<{ id: string; key: string }> {
    const m = await api.createMerchant(admin, { settlementSchedule: 'manual', rateLimitPerMinute: 100_000 });
    return { id: m.merchant.id, key: m.apiKey.secret };
  }

  /** A payment captured through the sandbox and its capture journal posted, dated three days back. */
  async function captured(m: { id: string; key: string }, amount: number): Promise<string> {
    const res = await api.request<PaymentView>('POST', '/api/v1/payments', {
      token: m.key,
      body: { amount, currency: 'INR', method: 'upi' },
      headers: { 'idempotency-key': `cover-${Date.now()}-${n++}` },
    });
    expect(res.status).toBe(201);
    await eventually(async () => {
      const p = await api.request<PaymentView>('GET', `/api/v1/payments/${res.body.id}`, { token: m.key });
      return p.body.status === 'captured' || undefined;
    }, 10_000);
    await db.platform((em) => postCapture(em, res.body.id, new Date(Date.now() - 3 * DAY_MS)));
    return res.body.id;
  }

  /** Pending → available for every capture of the merchant, as a settlement run does first. */
  const release = (merchantId: string) =>
    db.platform((em) => releaseDue(em, new Date(), { merchantId, capturedBefore: new Date(), limit: 1_000 }));

  /** Money leaves the available wallet (a payout), as in the ledger's own overdraft test. */
  const payOut = (merchantId: string, amount: number) =>
    db.platform((em) =>
      postJournal(
        em,
        new JournalBuilder('adjustment', `test-payout:${merchantId}:${n++}`, merchantId)
          .debit(merchantAccount('merchant_available', merchantId, 'INR'), amount)
          .credit(merchantAccount('merchant_settled', merchantId, 'INR'), amount)
          .build(),
      ),
    );

  const refund = (m: { key: string }, paymentId: string, amount: number): Promise<TestResponse<RefundView>> =>
    api.request<RefundView>('POST', `/api/v1/payments/${paymentId}/refunds`, {
      token: m.key,
      body: { amount },
      headers: { 'idempotency-key': `cover-r-${Date.now()}-${n++}` },
    });

  const available = async (merchantId: string): Promise<number> => {
    const { rows } = await owner.query(
      `SELECT balance FROM ledger_accounts WHERE kind = 'merchant_available' AND merchant_id = $1 AND currency = 'INR'`,
      [merchantId],
    );
    return Number(rows[0]?.balance ?? 0);
  };

  const refundRows = async (paymentId: string): Promise<{ refunds: number; journals: number }> => {
    const { rows } = await owner.query(
      `SELECT (SELECT count(*) FROM refunds WHERE payment_id = $1)::int AS refunds,
              (SELECT count(*) FROM ledger_journals WHERE payment_id = $1 AND type = 'refund')::int AS journals`,
      [paymentId],
    );
    return rows[0];
  };

  function expectInsufficientFunds(res: TestResponse): void {
    expectError(res, 409, 'conflict', 'amount');
    expect(res.body.error.code).toBe('insufficient_funds');
    expect(res.body.error.message).toMatch(/available INR balance of \d+ does not cover/);
  }

  it('refuses a refund of a settled payment when the wallet was paid out: gateway never called, nothing created', async () => {
    const m = await merchant();
    const paid = await captured(m, 10_000);
    await release(m.id);
    const settled = await db.platform((em) =>
      settleNextBatch(em, {
        merchantId: m.id,
        currency: 'INR',
        cutoff: new Date(),
        runId: null,
        limit: 100,
        afterEntryId: '',
      }),
    );
    expect(settled?.settlement.amount).toBe(9_800);
    expect(await available(m.id)).toBe(0);

    expectInsufficientFunds(await refund(m, paid, 5_000));
    expect(gatewayRefunds).not.toHaveBeenCalled();
    expect(await refundRows(paid)).toEqual({ refunds: 0, journals: 0 });
    const payment = await api.request<PaymentView>('GET', `/api/v1/payments/${paid}`, { token: m.key });
    expect(payment.body).toMatchObject({ status: 'captured', amountRefunded: 0 });

    // A payment not released yet is refunded from the pending wallet, which holds its net: allowed.
    const recent = await captured(m, 10_000);
    const ok = await refund(m, recent, 5_000);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ amount: 5_000, status: 'succeeded' });
    expect(gatewayRefunds).toHaveBeenCalledTimes(1);
  });

  it('refunds within the balance, counting refunds not posted yet against it', async () => {
    const m = await merchant();
    const paid = await captured(m, 10_000);
    await release(m.id);
    await payOut(m.id, 4_000);
    expect(await available(m.id)).toBe(5_800);

    // 5 000 takes 4 900 back from the merchant: covered.
    const first = await refund(m, paid, 5_000);
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('succeeded');
    // Not posted yet, so the balance still shows 5 800; another 2 000 would take 1 960 more: 6 860 > 5 800.
    expectInsufficientFunds(await refund(m, paid, 2_000));
    expect(gatewayRefunds).toHaveBeenCalledTimes(1);
    expect(await refundRows(paid)).toEqual({ refunds: 1, journals: 0 });

    // Once the first is posted (5 800 − 4 900 = 900 left) it is not counted twice: 900 more takes 882.
    await db.platform((em) => postRefund(em, first.body.id));
    expect(await available(m.id)).toBe(900);
    const second = await refund(m, paid, 900);
    expect(second.status).toBe(201);
    await db.platform((em) => postRefund(em, second.body.id));
    expect(await available(m.id)).toBe(18);
  });

  it('lets only what the wallet covers through when refunds of its payments race', async () => {
    const m = await merchant();
    const payments = await Promise.all([0, 1, 2, 3].map(() => captured(m, 10_000)));
    await release(m.id);
    await payOut(m.id, 4 * 9_800 - 5_000);
    expect(await available(m.id)).toBe(5_000);

    // Each refund of 4 000 takes 3 920 back and fits its capture twice over; the wallet covers one of all eight.
    const results = await Promise.all(payments.flatMap((p) => [refund(m, p, 4_000), refund(m, p, 4_000)]));
    const ok = results.filter((r) => r.status === 201);
    expect(ok).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) expectInsufficientFunds(r);
    expect(gatewayRefunds).toHaveBeenCalledTimes(1);
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM refunds WHERE merchant_id = $1`, [m.id]);
    expect(rows[0].n).toBe(1);

    // The one that passed posts without overdrawing.
    await db.platform((em) => postRefund(em, ok[0].body.id));
    expect(await available(m.id)).toBe(1_080);
  });
});

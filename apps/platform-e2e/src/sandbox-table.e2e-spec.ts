import { join } from 'node:path';
import type { PaymentView } from '@lsp/contracts';
import { type Stack, eventually, startStack } from '@lsp/testing';

const ROOT = join(__dirname, '../../..');
const RETRIES = 2;

/**
 * API.md §5's sandbox table, every row, through real processes: two API replicas (payments created on the second,
 * gateway callbacks landing on the first) and two worker processes (retries, the stale-payment monitor, the outbox
 * relay). Then a worker is killed with SIGKILL mid-flight and nothing is lost or done twice.
 */
describe('the sandbox table end to end, two APIs and two workers', () => {
  let stack: Stack;
  let key: string;

  const call = async <T>(method: string, url: string, init: { token?: string; body?: unknown; idem?: string } = {}) => {
    const res = await fetch(url, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.idem ? { 'idempotency-key': init.idem } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const pay = async (amount: number): Promise<PaymentView> => {
    const res = await call<PaymentView>('POST', `${stack.apis[1].url}/api/v1/payments`, {
      token: key,
      body: { amount, currency: 'INR', method: 'upi' },
      idem: `e2e-${amount}-${Math.random()}`,
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const final = (id: string, status: string, timeoutMs = 30_000) =>
    eventually(async () => {
      const p = (await call<PaymentView>('GET', `${stack.apis[0].url}/api/v1/payments/${id}`, { token: key })).body;
      return p.status === status ? p : undefined;
    }, timeoutMs);

  beforeAll(async () => {
    stack = await startStack({
      root: ROOT,
      logDir: join(ROOT, 'apps/platform-e2e/test-output/logs'),
      apis: 2,
      workers: 2,
      env: {
        SANDBOX_CALLBACK_DELAY: '100ms',
        STALE_PAYMENT_AFTER: '1s',
        RETRY_BASE_DELAY: '300ms',
        RETRY_TEMPORARY_MAX: String(RETRIES),
      },
    });
    const login = await call<{ accessToken: string }>('POST', `${stack.apis[0].url}/api/v1/auth/login`, {
      body: { email: stack.adminEmail, password: stack.adminPassword },
    });
    const created = await call<{ apiKey: { secret: string } }>('POST', `${stack.apis[0].url}/api/v1/admin/merchants`, {
      token: login.body.accessToken,
      body: { name: 'E2E Merchant', email: 'e2e@merchant.in', rateLimitPerMinute: 100000 },
    });
    key = created.body.apiKey.secret;
  }, 120_000);
  afterAll(() => stack?.stop());

  it('ends every row of the table with its specified outcome', async () => {
    const [ok, declined, failover, stuck, insufficient, unavailable, unknown] = await Promise.all(
      [10_000, 10_051, 10_052, 10_053, 10_054, 10_055, 10_056].map(pay),
    );
    expect((await final(ok.id, 'captured')).attempts).toHaveLength(1);
    expect(declined).toMatchObject({ status: 'failed', failureCode: 'card_declined' });
    const fo = await final(failover.id, 'captured');
    expect(fo.attempts.map((a) => a.status)).toEqual(['failed_retryable', 'succeeded']);
    // 53: no callback ever comes; the stale-payment monitor asks the gateway and captures it.
    expect((await final(stuck.id, 'captured')).attempts).toHaveLength(1);
    expect((await final(insufficient.id, 'failed')).failureCode).toBe('insufficient_funds');
    // 55: both gateways fail temporarily on the first try and on every retry, then the payment fails.
    const spent = await final(unavailable.id, 'failed');
    expect(spent.failureCode).toBe('all_gateways_unavailable');
    expect(spent.attempts).toHaveLength(2 * (1 + RETRIES));
    expect(spent.attempts.every((a) => a.status === 'failed_retryable')).toBe(true);
    // 56: unknown outcome — never failed over; resolved by status query; the customer is charged once.
    const resolved = await final(unknown.id, 'captured');
    expect(resolved.attempts.map((a) => [a.gateway, a.status])).toEqual([['sandbox-primary', 'succeeded']]);
  });

  it('loses nothing and repeats nothing when a worker is killed with SIGKILL', async () => {
    const payments = await Promise.all([10_053, 10_055, 10_056, 10_053, 10_055].map(pay));
    stack.workers[0].child.kill('SIGKILL');
    await stack.startWorker();
    const expected: Record<number, string> = { 10_053: 'captured', 10_055: 'failed', 10_056: 'captured' };
    for (const p of payments) {
      const done = await final(p.id, expected[p.amount]);
      const numbers = done.attempts.map((a) => a.id);
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(done.attempts.length).toBe(p.amount === 10_055 ? 2 * (1 + RETRIES) : 1);
    }
  });
});

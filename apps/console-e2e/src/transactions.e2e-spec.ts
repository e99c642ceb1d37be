import type { Browser, Page } from 'playwright-core';
import {
  adminToken,
  createMerchant,
  createPayment,
  createUser,
  getPayment,
  strongPassword,
  uniqueSuffix,
} from './support/api-client';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';

const row = (page: Page, paymentId: string) =>
  page.locator(`[data-testid="payment-row"][data-payment-id="${paymentId}"]`);

/** Opens Transactions from the side navigation and narrows it to one merchant (other specs add payments too). */
async function openTransactions(page: Page, merchantId?: string): Promise<void> {
  await page.getByTestId('nav-transactions').click();
  await page.waitForURL((url) => url.pathname === '/transactions');
  await page.locator('[data-testid="transactions-table"], [data-testid="state-empty"]').first().waitFor();
  if (merchantId) {
    await page.getByTestId('transactions-filter-merchant').fill(merchantId);
    await page.getByTestId('transactions-filter-apply').click();
    await page.getByTestId('payment-row').first().waitFor();
  }
}

/**
 * Waits until a row shows a status. The live stream normally brings it; should it not (stream not connected
 * yet), the Refresh button re-reads the page — polling the UI with a deadline, never sleeping blind.
 */
async function waitForRowStatus(page: Page, paymentId: string, status: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  const badge = row(page, paymentId).getByTestId('payment-status').filter({ hasText: status });
  while (Date.now() < deadline) {
    try {
      await badge.waitFor({ timeout: 2_000 });
      return;
    } catch {
      await page.getByTestId('transactions-refresh').click();
    }
  }
  await badge.waitFor({ timeout: 1 });
}

const sandboxPayment = (amount: number, description: string) => ({
  amount,
  currency: 'INR',
  method: 'upi' as const,
  description,
});

describe('transactions', () => {
  let browser: Browser;
  let token: string;
  /** An admin of this spec's own: sign-ins are rate limited per email (10 per 15 min), and the bootstrap
   *  admin's budget belongs to the other specs. */
  const admin = { email: `admin-tx-${uniqueSuffix()}@e2e.test`, password: strongPassword() };

  beforeAll(async () => {
    browser = await launchBrowser();
    token = await adminToken();
    await createUser(token, { email: admin.email, password: admin.password, roles: ['admin'] });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('admin sees a merchant’s payments, opens the captured one and refunds part of it after confirming', async () => {
    const { merchant, apiKey } = await createMerchant(token, {
      name: `E2E Tx ${uniqueSuffix()}`,
      email: `tx-${uniqueSuffix()}@e2e.test`,
    });
    // Sandbox outcomes follow the last two digits: …00 is captured by the callback ~300 ms later, …51 is declined.
    const captured = await createPayment(apiKey.secret, sandboxPayment(10000, 'Order #1'));
    const failed = await createPayment(apiKey.secret, sandboxPayment(10051, 'Order #2'));
    expect(failed.status).toBe('failed');

    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, admin.email, admin.password);
    await openTransactions(page, merchant.id);

    await row(page, failed.id).waitFor();
    expect(await row(page, failed.id).getByTestId('payment-amount').textContent()).toBe('₹100.51');
    expect(await row(page, failed.id).getByTestId('payment-status').textContent()).toContain('failed');
    expect(await row(page, captured.id).getByTestId('payment-amount').textContent()).toBe('₹100.00');
    expect(await row(page, captured.id).getByTestId('payment-merchant').textContent()).toBe(merchant.id);
    await waitForRowStatus(page, captured.id, 'captured');
    expect(await page.getByTestId('payment-row').count()).toBe(2);
    await snap(page, 't1-transactions-admin');

    await row(page, captured.id).getByTestId('payment-open').click();
    const panel = page.getByTestId('payment-detail');
    await panel.getByTestId('detail-status').filter({ hasText: 'captured' }).waitFor();
    expect(await panel.getByTestId('detail-amount').textContent()).toBe('₹100.00');
    expect(await panel.getByTestId('detail-captured').textContent()).toBe('₹100.00');
    expect(await panel.getByTestId('detail-refunded').textContent()).toBe('₹0.00');
    expect(await panel.getByTestId('attempt-row').count()).toBeGreaterThanOrEqual(1);
    expect((await panel.getByTestId('attempt-gateway').first().textContent())?.trim()).not.toBe('');
    expect(await panel.getByTestId('attempt-status').first().textContent()).toContain('succeeded');
    expect((await panel.getByTestId('routing-reason').first().textContent())?.trim().length).toBeGreaterThan(0);
    expect(await panel.getByTestId('routing-candidate').count()).toBeGreaterThanOrEqual(1);
    await panel.getByTestId('timeline-entry').filter({ hasText: 'payment.captured' }).waitFor();
    expect(await panel.getByTestId('refund-amount').inputValue()).toBe('100.00');
    await snap(page, 't2-payment-detail');

    await panel.getByTestId('refund-amount').fill('25.00');
    await panel.getByTestId('refund-reason').fill('One item returned');
    await panel.getByTestId('refund-submit').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`₹25.00 of ${captured.id}`);
    await snap(page, 't3-refund-confirm');
    await page.getByTestId('confirm-accept').click();

    await panel.getByTestId('detail-status').filter({ hasText: 'partially refunded' }).waitFor();
    expect(await panel.getByTestId('detail-refunded').textContent()).toBe('₹25.00');
    expect(await panel.getByTestId('refund-amount').inputValue()).toBe('75.00');
    await row(page, captured.id).getByTestId('payment-status').filter({ hasText: 'partially refunded' }).waitFor();
    expect(await row(page, captured.id).getByTestId('payment-amount-refunded').textContent()).toContain('₹25.00');
    await page.getByTestId('toast').filter({ hasText: '₹25.00' }).first().waitFor();
    await snap(page, 't4-refunded');

    // The server agrees.
    const after = await getPayment(apiKey.secret, captured.id);
    expect(after.status).toBe('partially_refunded');
    expect(after.amountRefunded).toBe(2500);

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows a payment created while the page is open, and its capture, without a refresh', async () => {
    const { merchant, apiKey } = await createMerchant(token, {
      name: `E2E Live ${uniqueSuffix()}`,
      email: `live-${uniqueSuffix()}@e2e.test`,
    });
    const first = await createPayment(apiKey.secret, sandboxPayment(20000, 'Before'));

    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, admin.email, admin.password);
    await openTransactions(page, merchant.id);
    await row(page, first.id).waitFor();
    await page.locator('[data-testid="live-indicator"][data-state="open"]').waitFor();

    const live = await createPayment(apiKey.secret, sandboxPayment(30000, 'While watching'));
    // Only the stream can bring it: nothing here clicks Refresh.
    await row(page, live.id).getByTestId('payment-status').filter({ hasText: 'captured' }).waitFor();
    expect(await row(page, live.id).getByTestId('payment-amount').textContent()).toBe('₹300.00');
    expect(
      await page
        .getByTestId('payment-row')
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['paymentId'])),
    ).toEqual([live.id, first.id]);
    await snap(page, 't5-live-update');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('a merchant user sees only its own merchant’s payments, through the merchant routes', async () => {
    const own = await createMerchant(token, {
      name: `E2E Own ${uniqueSuffix()}`,
      email: `own-${uniqueSuffix()}@e2e.test`,
    });
    const other = await createMerchant(token, {
      name: `E2E Other ${uniqueSuffix()}`,
      email: `other-${uniqueSuffix()}@e2e.test`,
    });
    const mine = await createPayment(own.apiKey.secret, sandboxPayment(4200, 'Mine'));
    const theirs = await createPayment(other.apiKey.secret, sandboxPayment(4300, 'Theirs'));
    const email = `merchant-tx-${uniqueSuffix()}@e2e.test`;
    const password = strongPassword();
    await createUser(token, { email, password, roles: ['merchant'], merchantId: own.merchant.id });

    const { context, page, pageErrors } = await openConsole(browser);
    const adminRequests: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/v1/admin/')) adminRequests.push(request.url());
    });
    await signIn(page, email, password);
    expect(await page.getByTestId('nav-merchants').count()).toBe(0);
    await openTransactions(page);

    await row(page, mine.id).waitFor();
    expect(await row(page, mine.id).getByTestId('payment-amount').textContent()).toBe('₹42.00');
    expect(await row(page, theirs.id).count()).toBe(0);
    const ids = await page
      .getByTestId('payment-row')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['paymentId']));
    expect(ids).toEqual([mine.id]);
    expect(await page.getByTestId('transactions-filter-merchant').count()).toBe(0);
    await snap(page, 't6-transactions-merchant');

    await row(page, mine.id).getByTestId('payment-open').click();
    await page.getByTestId('payment-detail').getByTestId('attempt-row').first().waitFor();
    expect(adminRequests).toEqual([]);

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

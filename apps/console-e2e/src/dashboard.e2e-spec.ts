import type { Browser, Page } from 'playwright-core';
import {
  adminToken,
  createMerchant,
  createPayment,
  createUser,
  strongPassword,
  uniqueSuffix,
} from './support/api-client';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';
import { e2eEnv } from './support/env';
import { countNavigations, textOf, waitForLive } from './support/operations';

const sandboxPayment = (amount: number) => ({ amount, currency: 'INR', method: 'upi' as const });

/**
 * The rollups are updated by the workers from payment events, a moment after each outcome: re-apply the range
 * until the figure shows, with a deadline.
 */
async function waitForKpi(page: Page, testId: string, expected: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await textOf(page, testId)) === expected) {
      return;
    }
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/admin/analytics/overview')),
      page.getByTestId('dashboard-apply').click(),
    ]);
  }
  expect(await textOf(page, testId)).toBe(expected);
}

describe('dashboard', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows one merchant’s KPIs from the rollups and a payment arriving live in the ticker', async () => {
    const token = await adminToken();
    const { merchant, apiKey } = await createMerchant(token, {
      name: `E2E Dash ${uniqueSuffix()}`,
      email: `dash-${uniqueSuffix()}@e2e.test`,
    });
    // Sandbox outcomes follow the last two digits: …00 captured by callback, …51 declined.
    await createPayment(apiKey.secret, sandboxPayment(10000));
    const failed = await createPayment(apiKey.secret, sandboxPayment(10051));
    expect(failed.status).toBe('failed');

    const { adminEmail, adminPassword } = e2eEnv();
    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, adminEmail, adminPassword);
    await page.getByTestId('nav-dashboard').click();
    await page.waitForURL((url) => url.pathname === '/dashboard');
    await page.getByTestId('kpis').waitFor();
    await waitForLive(page, 'ticker-live');

    const loads = await countNavigations(page);
    const live = await createPayment(apiKey.secret, sandboxPayment(20000));
    const tickerRow = page.locator(`[data-testid="ticker-row"][data-payment-id="${live.id}"]`);
    await tickerRow.waitFor();
    expect(await tickerRow.getByTestId('ticker-amount').textContent()).toBe('₹200.00');
    // It moves on to captured by itself when the sandbox's callback lands.
    await tickerRow.locator('[data-status="captured"]').waitFor();
    expect(loads()).toBe(0);

    await page.getByTestId('dashboard-merchant').fill(merchant.id);
    // Each outcome reaches the rollups through its own event: wait for the last of them, then check the rest.
    await waitForKpi(page, 'kpi-volume', '₹300.00');
    expect(await textOf(page, 'kpi-payments')).toBe('3');
    expect(await textOf(page, 'kpi-success-rate')).toBe('66.7%');
    // The ledger posts each capture before the rollups count it: 2 % default commission on ₹300 captured.
    expect(await textOf(page, 'kpi-commission')).toContain('₹6.00');
    const failedRow = page.locator('[data-testid="by-status-row"][data-status="failed"]');
    expect(await failedRow.getByTestId('by-status-count').textContent()).toBe('1');
    expect(await page.getByTestId('by-gateway-row').count()).toBeGreaterThanOrEqual(1);
    await page.getByTestId('chart-counts').waitFor();
    await snap(page, 'o1-dashboard');

    // A custom range the other way round is refused in the page, before any request.
    await page.getByTestId('dashboard-preset').selectOption('custom');
    await page.getByTestId('dashboard-from').fill('2026-11-20');
    await page.getByTestId('dashboard-to').fill('2026-11-10');
    await page.getByTestId('dashboard-apply').click();
    expect(await textOf(page, 'dashboard-range-error')).toContain('on or before');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('lets finance open the dashboard but not the SRE pages', async () => {
    const finance = { email: `finance-${uniqueSuffix()}@e2e.test`, password: strongPassword() };
    await createUser(await adminToken(), { ...finance, roles: ['finance'] });

    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, finance.email, finance.password);
    await page.getByTestId('nav-dashboard').waitFor();
    for (const hidden of ['nav-monitoring', 'nav-queues', 'nav-alerts', 'nav-system-status']) {
      expect(await page.getByTestId(hidden).count()).toBe(0);
    }
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('kpis').waitFor();
    await page.goto('/queues');
    await page.waitForURL((url) => url.pathname !== '/queues');
    expect(await page.getByTestId('queues-table').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

import type { Browser } from 'playwright-core';
import { uniqueSuffix } from './support/api-client';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';
import { e2eEnv } from './support/env';

describe('merchants', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('admin creates a merchant, sees its one-time secret, finds it in the list and suspends it', async () => {
    const { adminEmail, adminPassword } = e2eEnv();
    const { context, page, pageErrors } = await openConsole(browser);
    const name = `E2E Chai ${uniqueSuffix()}`;
    const email = `ops-${uniqueSuffix()}@merchant.e2e.test`;

    await signIn(page, adminEmail, adminPassword);
    await page.getByTestId('nav-merchants').click();
    await page.waitForURL((url) => url.pathname === '/merchants');
    // Either the table or the empty state once the first page has loaded.
    await page.locator('[data-testid="merchants-table"], [data-testid="state-empty"]').first().waitFor();
    await snap(page, 'b1-merchants');

    await page.getByTestId('merchant-create-open').click();
    await page.getByTestId('merchant-name').fill(name);
    await page.getByTestId('merchant-email').fill(email);
    await page.getByTestId('merchant-settlement').selectOption('T+2');
    await page.getByTestId('merchant-rate-limit').fill('120');
    await snap(page, 'b2-merchant-create-form');
    await page.getByTestId('merchant-create-submit').click();

    const secret = page.getByTestId('one-time-secret-value');
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/^lsp_test_\S{16,}$/);
    expect(await page.getByTestId('one-time-secret-warning').textContent()).toMatch(/will not see it again/i);
    expect(await page.getByTestId('one-time-secret-copy').isVisible()).toBe(true);

    const row = page.getByTestId('merchant-row').filter({ hasText: name });
    await row.waitFor();
    expect(await row.getByTestId('merchant-status').textContent()).toContain('active');
    expect(await row.textContent()).toContain('T+2');
    await snap(page, 'b3-merchant-created-secret');

    await page.getByTestId('one-time-secret-dismiss').click();
    await page.getByTestId('one-time-secret').waitFor({ state: 'detached' });

    await row.getByTestId('merchant-suspend').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await snap(page, 'b4-merchant-suspend-confirm');
    await page.getByTestId('confirm-accept').click();

    await row.getByTestId('merchant-status').filter({ hasText: 'suspended' }).waitFor();
    expect(await row.getByTestId('merchant-reactivate').isVisible()).toBe(true);
    await snap(page, 'b5-merchant-suspended');

    // The change is the server's, not just the screen's.
    await page.reload();
    await page
      .getByTestId('merchant-row')
      .filter({ hasText: name })
      .getByTestId('merchant-status')
      .filter({ hasText: 'suspended' })
      .waitFor();

    await page.getByTestId('merchant-status-filter').selectOption('suspended');
    await page.getByTestId('merchant-row').filter({ hasText: name }).waitFor();
    const statuses = await page.getByTestId('merchant-status').allTextContents();
    expect(statuses.every((status) => status.includes('suspended'))).toBe(true);
    await snap(page, 'b6-merchants-filter-suspended');

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

import type { Browser } from 'playwright-core';
import { adminToken, createMerchant, createUser, strongPassword, uniqueSuffix } from './support/api-client';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';

describe('what each role sees', () => {
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    token = await adminToken();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('finance sees Merchants and Audit log but cannot create or suspend', async () => {
    const email = `finance-${uniqueSuffix()}@e2e.test`;
    const password = strongPassword();
    await createMerchant(token, {
      name: `E2E Finance view ${uniqueSuffix()}`,
      email: `m-${uniqueSuffix()}@e2e.test`,
    });
    await createUser(token, { email, password, roles: ['finance'] });

    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, email, password);
    expect(await page.getByTestId('current-user-roles').textContent()).toContain('finance');
    expect(await page.getByTestId('nav-merchants').isVisible()).toBe(true);
    expect(await page.getByTestId('nav-audit-log').isVisible()).toBe(true);
    await snap(page, 'c1-home-finance');

    await page.getByTestId('nav-merchants').click();
    await page.getByTestId('merchants-table').waitFor();
    expect(await page.getByTestId('merchant-row').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('merchant-create-open').count()).toBe(0);
    expect(await page.getByTestId('merchant-suspend').count()).toBe(0);
    await snap(page, 'c2-merchants-finance');

    await page.getByTestId('nav-audit-log').click();
    await page.getByTestId('audit-table').waitFor();
    await snap(page, 'c3-audit-log-finance');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('a merchant user sees only the overview and is sent away from /merchants', async () => {
    const { merchant } = await createMerchant(token, {
      name: `E2E Merchant login ${uniqueSuffix()}`,
      email: `m-${uniqueSuffix()}@e2e.test`,
    });
    const email = `merchant-${uniqueSuffix()}@e2e.test`;
    const password = strongPassword();
    await createUser(token, {
      email,
      password,
      roles: ['merchant'],
      merchantId: merchant.id,
    });

    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, email, password);
    expect(await page.getByTestId('profile-email').textContent()).toBe(email);
    expect(await page.getByTestId('profile-merchant-id').textContent()).toBe(merchant.id);
    expect(await page.getByTestId('nav-home').isVisible()).toBe(true);
    expect(await page.getByTestId('nav-merchants').count()).toBe(0);
    expect(await page.getByTestId('nav-audit-log').count()).toBe(0);
    await snap(page, 'c4-home-merchant');

    for (const typed of ['/merchants', '/audit-log']) {
      await page.goto(typed);
      await page.waitForURL((url) => url.pathname === '/');
      await page.getByTestId('toast').filter({ hasText: 'You do not have access' }).first().waitFor();
      expect(await page.getByTestId('merchants-table').count()).toBe(0);
    }
    await snap(page, 'c5-merchant-sent-away');

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

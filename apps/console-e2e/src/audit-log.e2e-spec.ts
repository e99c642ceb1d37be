import type { Browser, Page } from 'playwright-core';
import { adminToken, createMerchant, uniqueSuffix } from './support/api-client';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';
import { e2eEnv } from './support/env';

async function applyFilters(page: Page, expectInQuery: string): Promise<void> {
  await Promise.all([
    page.waitForResponse(
      (response) => response.url().includes('/api/v1/admin/audit-logs') && response.url().includes(expectInQuery),
    ),
    page.getByTestId('audit-filter-apply').click(),
  ]);
  await page
    .locator('[data-testid="audit-table"], [data-testid="state-empty"], [data-testid="state-error"]')
    .first()
    .waitFor();
}

describe('audit log', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the merchant.create entry with its diff, and filters by action', async () => {
    const { adminEmail, adminPassword } = e2eEnv();
    const name = `E2E Audited ${uniqueSuffix()}`;
    const { merchant } = await createMerchant(await adminToken(), {
      name,
      email: `a-${uniqueSuffix()}@e2e.test`,
    });

    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, adminEmail, adminPassword);
    await page.getByTestId('nav-audit-log').click();
    await page.getByTestId('audit-table').waitFor();

    const createdRow = page
      .locator('[data-testid="audit-row"][data-action="merchant.create"]')
      .filter({ hasText: merchant.id });
    await createdRow.waitFor();
    await snap(page, 'd1-audit-log');

    await createdRow.getByTestId('audit-row-toggle').click();
    const after = page.getByTestId('json-diff-after').first();
    await after.waitFor();
    expect(await after.textContent()).toContain(name);
    expect(await page.getByTestId('json-diff-before').first().textContent()).toContain('did not exist');
    await snap(page, 'd2-audit-log-diff');

    await page.getByTestId('audit-filter-action').fill('merchant.create');
    await applyFilters(page, 'action=merchant.create');
    const actions = await page
      .getByTestId('audit-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((action) => action === 'merchant.create')).toBe(true);
    await snap(page, 'd3-audit-log-filter-action');

    await page.getByTestId('audit-filter-object-id').fill(merchant.id);
    await applyFilters(page, `objectId=${merchant.id}`);
    expect(await page.getByTestId('audit-row').count()).toBe(1);
    expect(await page.getByTestId('audit-object-id').textContent()).toBe(merchant.id);

    // The API validates the filter; its message (with the request id) reaches the page.
    await page.getByTestId('audit-filter-object-id').fill('');
    await page.getByTestId('audit-filter-action').fill('Not An Action');
    await applyFilters(page, 'action=Not');
    const failure = page.getByTestId('state-error');
    await failure.waitFor();
    expect(await failure.textContent()).toContain('action must look like');
    expect(await page.getByTestId('state-request-id').textContent()).toMatch(/\S+/);
    await snap(page, 'd4-audit-log-filter-invalid');

    await page.getByTestId('audit-filter-action').fill('merchant.no_such_action');
    await applyFilters(page, 'action=merchant.no_such_action');
    await page.getByTestId('state-empty').waitFor();
    await snap(page, 'd5-audit-log-filter-empty');

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

import type { Browser, Page } from 'playwright-core';
import { uniqueSuffix } from './support/api-client';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';
import { e2eEnv } from './support/env';
import { raiseAlert } from './support/ops-fixtures';
import { countNavigations, waitForLive } from './support/operations';

const alertRow = (page: Page, id: string) => page.locator(`[data-testid="alert-row"][data-alert-id="${id}"]`);

describe('alerts', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows an alert raised while the page is open without a reload, then acknowledges and resolves it', async () => {
    const { adminEmail, adminPassword } = e2eEnv();
    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, adminEmail, adminPassword);
    await page.getByTestId('nav-alerts').click();
    await page.waitForURL((url) => url.pathname === '/alerts');
    await page.locator('[data-testid="alerts-table"], [data-testid="state-empty"]').first().waitFor();
    await waitForLive(page, 'alerts-live');

    // Raised as the workers' rules raise alerts; the workers' dispatcher puts it on the alerts stream.
    const loads = await countNavigations(page);
    const suffix = uniqueSuffix();
    const id = await raiseAlert({
      fingerprint: `queue-backlog:e2e-${suffix}`,
      severity: 'critical',
      title: `Backlog on e2e-${suffix}`,
      message: '1,204 jobs waiting, above the threshold of 1,000',
    });
    const row = alertRow(page, id);
    await row.waitFor();
    expect(loads()).toBe(0);
    expect(await row.getByTestId('alert-title').textContent()).toBe(`Backlog on e2e-${suffix}`);
    expect(await row.getByTestId('alert-severity').textContent()).toContain('critical');
    expect(await row.getByTestId('alert-status').textContent()).toContain('open');
    await snap(page, 'o6-alerts-live');

    // The API's answer is checked first, so a failure says whether the request or the page went wrong.
    const acknowledged = page.waitForResponse(
      (res) => res.request().method() === 'POST' && res.url().endsWith(`/admin/alerts/${id}/acknowledge`),
    );
    await row.getByTestId('alert-acknowledge').click();
    const answer = await acknowledged;
    expect({ status: answer.status(), body: await answer.text() }).toMatchObject({ status: 200 });
    await row.getByTestId('alert-status').filter({ hasText: 'acknowledged' }).waitFor();
    expect(await row.getByTestId('alert-status').textContent()).toContain(adminEmail);
    expect(await row.getByTestId('alert-acknowledge').count()).toBe(0);

    await row.getByTestId('alert-resolve').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`Backlog on e2e-${suffix}`);
    await page.getByTestId('confirm-accept').click();
    await row.getByTestId('alert-status').filter({ hasText: 'resolved' }).waitFor();
    expect(await row.getByTestId('alert-resolve').count()).toBe(0);

    // Filters go to the API: a status the alert no longer has hides it.
    await page.getByTestId('alerts-filter-status').selectOption('open');
    await page.getByTestId('alerts-filter-apply').click();
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('alerts-filter-status').selectOption('resolved');
    await page.getByTestId('alerts-filter-severity').selectOption('critical');
    await page.getByTestId('alerts-filter-apply').click();
    await row.waitFor();
    await row.getByTestId('alert-toggle').click();
    await page.getByTestId('alert-detail').filter({ hasText: 'console-e2e' }).waitFor();
    await snap(page, 'o7-alerts-resolved');

    await row.getByTestId('audit-link').click();
    await page.waitForURL((url) => url.pathname === '/audit-log' && url.search.includes(id));
    await page.locator('[data-testid="audit-row"][data-action="alert.acknowledge"]').waitFor();
    await page.locator('[data-testid="audit-row"][data-action="alert.resolve"]').waitFor();

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

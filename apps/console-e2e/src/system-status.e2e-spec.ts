import type { Browser } from 'playwright-core';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';
import { e2eEnv } from './support/env';
import { publishOperationsMessage } from './support/ops-fixtures';
import { countNavigations, waitForLive } from './support/operations';

describe('system status', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows every component’s status and takes a new snapshot from the stream without a reload', async () => {
    const { adminEmail, adminPassword } = e2eEnv();
    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, adminEmail, adminPassword);
    await page.getByTestId('nav-system-status').click();
    await page.waitForURL((url) => url.pathname === '/system-status');
    // Whatever the checker last found (or that nothing has checked yet), the page shows an overall status.
    await page.getByTestId('system-status-overall').waitFor();
    await page.getByTestId('status-component').first().waitFor();
    await waitForLive(page, 'system-status-live');
    await snap(page, 'o9-system-status');
    const loads = await countNavigations(page);

    // Dated ahead so that a real checker run during the test (once the workers publish it) is older and
    // does not replace it: the page keeps the latest snapshot.
    const checkedAt = new Date(Date.now() + 60 * 60_000).toISOString();
    await publishOperationsMessage('system-status', 'system.status', {
      status: 'degraded',
      checkedAt,
      components: [
        {
          name: 'postgresql',
          kind: 'postgresql',
          status: 'operational',
          detail: 'latency 2 ms',
          metrics: { latencyMs: 2, connections: 12 },
        },
        {
          name: 'redis',
          kind: 'redis',
          status: 'degraded',
          detail: 'maxmemory-policy is allkeys-lru; queues need noeviction',
          metrics: { latencyMs: 1, maxmemoryPolicy: 'allkeys-lru' },
        },
        { name: 'queue:payments', kind: 'queue', status: 'operational', detail: '0 waiting', metrics: { waiting: 0 } },
      ],
    });
    await page.locator('[data-testid="system-status-overall"][data-status="degraded"]').waitFor();
    const redis = page.locator('[data-testid="status-component"][data-name="redis"]');
    await redis.waitFor();
    expect(await redis.getAttribute('data-status')).toBe('degraded');
    expect(await redis.getByTestId('status-detail').textContent()).toContain('noeviction');
    const groups = await page
      .getByTestId('status-group')
      .evaluateAll((sections) => sections.map((s) => s.getAttribute('data-kind')));
    expect(groups).toEqual(['postgresql', 'redis', 'queue']);
    expect(loads()).toBe(0);
    await snap(page, 'o10-system-status-live');

    // A queue component links to that queue's audit history.
    await page
      .locator('[data-testid="status-component"][data-name="queue:payments"]')
      .getByTestId('audit-link')
      .click();
    await page.waitForURL((url) => url.pathname === '/audit-log' && url.search.includes('objectType=queue'));

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

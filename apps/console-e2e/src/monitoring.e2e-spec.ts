import type { Browser } from 'playwright-core';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';
import { e2eEnv } from './support/env';
import { publishOperationsMessage } from './support/ops-fixtures';
import { countNavigations, textOf, waitForLive } from './support/operations';

describe('real-time monitoring', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows workers and gateways, and follows the queue, worker and gateway streams without a reload', async () => {
    const { adminEmail, adminPassword } = e2eEnv();
    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, adminEmail, adminPassword);
    await page.getByTestId('nav-monitoring').click();
    await page.waitForURL((url) => url.pathname === '/monitoring');

    // The run's own workers process beats every few seconds.
    await page.locator('[data-testid="worker-row"] [data-testid="worker-status"]').first().waitFor();
    expect(await textOf(page, 'worker-status')).toMatch(/healthy|stale/);
    await page.getByTestId('chart-depth').waitFor();
    await page.getByTestId('chart-throughput').waitFor();
    await page
      .locator('[data-testid="gateways-table"], [data-testid="monitoring-gateways"] [data-testid="state-empty"]')
      .first()
      .waitFor();

    await Promise.all([
      waitForLive(page, 'queues-live'),
      waitForLive(page, 'workers-live'),
      waitForLive(page, 'gateways-live'),
    ]);
    const loads = await countNavigations(page);

    // queue-stats: a sample becomes the latest point of the depth chart. Dated a minute ahead so the real
    // collector's samples of the next minute are older and dropped, leaving this one the latest.
    await publishOperationsMessage('queue-stats', 'queue.stats', {
      at: new Date(Date.now() + 60_000).toISOString(),
      queues: [
        { name: 'payments', waiting: 42, active: 3, completed: 10, failed: 1, delayed: 5, paused: 0, isPaused: false },
      ],
    });
    await page
      .getByTestId('chart-depth-summary')
      .filter({ hasText: 'payments: latest 47' })
      .waitFor({ state: 'attached' });

    // worker-health: the whole list, as GET /admin/workers shows it.
    const now = new Date().toISOString();
    await publishOperationsMessage('worker-health', 'worker.health', {
      workers: [
        {
          id: 'e2e-stale-worker',
          host: 'e2e-host',
          pid: 4242,
          queues: ['payments', 'events'],
          startedAt: now,
          lastHeartbeatAt: now,
          heartbeatAgeMs: 31_000,
          status: 'stale',
          jobsProcessed: 120,
          jobsFailed: 2,
          currentJobs: 1,
          memory: { rssBytes: 150 * 1024 * 1024, heapUsedBytes: 60 * 1024 * 1024 },
          version: '0.0.0-e2e',
        },
      ],
    });
    const staleRow = page.locator('[data-testid="worker-row"][data-worker-id="e2e-stale-worker"]');
    await staleRow.waitFor();
    expect(await staleRow.getByTestId('worker-status').textContent()).toContain('stale');

    // gateway-health: a gateway that goes down with its circuit open.
    await publishOperationsMessage('gateway-health', 'gateway.health', {
      gatewayId: 'gw_E2E00000000000000000000000',
      code: 'e2e-gateway',
      status: 'down',
      previousStatus: 'healthy',
      circuit: 'open',
      successRate: 0.25,
      p95LatencyMs: 2300,
      attempts: 40,
      checkedAt: new Date().toISOString(),
    });
    const gatewayRow = page.locator('[data-testid="gateway-row"][data-code="e2e-gateway"]');
    await gatewayRow.waitFor();
    expect(await gatewayRow.getByTestId('gateway-status').textContent()).toContain('down');
    expect(await gatewayRow.getByTestId('gateway-circuit').textContent()).toContain('open');
    expect(await gatewayRow.getByTestId('gateway-success-rate').textContent()).toContain('25%');
    expect(loads()).toBe(0);
    await snap(page, 'o8-monitoring');

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

import type { Browser, Locator, Page } from 'playwright-core';
import { adminToken, createMerchant, createPayment, uniqueSuffix } from './support/api-client';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';
import { e2eEnv } from './support/env';
import { failingJob, latestCompletedJobId } from './support/ops-fixtures';
import { textOf } from './support/operations';

const queueRow = (page: Page, queue: string) => page.locator(`[data-testid="queue-row"][data-queue="${queue}"]`);

async function confirm(page: Page, expectedTitle: string): Promise<void> {
  const dialog = page.getByTestId('confirm-dialog');
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain(expectedTitle);
  await page.getByTestId('confirm-accept').click();
  await dialog.waitFor({ state: 'detached' });
}

describe('queues', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lists every queue, pauses and resumes one after confirming, cleans with a grace and opens a job', async () => {
    // A payment makes the events queue complete a job the drawer can open.
    const { apiKey } = await createMerchant(await adminToken(), {
      name: `E2E Queues ${uniqueSuffix()}`,
      email: `queues-${uniqueSuffix()}@e2e.test`,
    });
    await createPayment(apiKey.secret, { amount: 10000, currency: 'INR', method: 'upi' });

    const { adminEmail, adminPassword } = e2eEnv();
    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, adminEmail, adminPassword);
    await page.getByTestId('nav-queues').click();
    await page.getByTestId('queues-table').waitFor();
    for (const queue of ['maintenance', 'payments', 'events']) {
      await queueRow(page, queue).waitFor();
    }
    expect(await queueRow(page, 'events').getByTestId('queue-throughput').textContent()).toMatch(/\/min/);
    await snap(page, 'o2-queues');

    // Pause: confirmed first, then the row says so; Cancel would have changed nothing.
    const maintenance = queueRow(page, 'maintenance');
    await maintenance.getByTestId('queue-pause').click();
    await page.getByTestId('confirm-cancel').click();
    expect(await maintenance.getByTestId('queue-paused').count()).toBe(0);
    await maintenance.getByTestId('queue-pause').click();
    await confirm(page, 'Pause maintenance?');
    await maintenance.getByTestId('queue-paused').waitFor();
    await page.getByTestId('toast').filter({ hasText: 'maintenance paused.' }).waitFor();
    await snap(page, 'o3-queue-paused');
    await maintenance.getByTestId('queue-pause').click();
    await confirm(page, 'Resume maintenance?');
    await maintenance.getByTestId('queue-paused').waitFor({ state: 'detached' });

    // Clean: a negative grace is refused in the page; a valid one is confirmed and reports what it removed.
    const events = queueRow(page, 'events');
    await events.getByTestId('queue-clean').click();
    await page.getByTestId('clean-status').selectOption('failed');
    await page.getByTestId('clean-grace').fill('-5');
    await page.getByTestId('clean-submit').click();
    expect(await textOf(page, 'clean-error')).toContain('whole number of minutes');
    await page.getByTestId('clean-grace').fill('1440');
    await page.getByTestId('clean-submit').click();
    await confirm(page, 'Remove failed jobs from events?');
    await page.getByTestId('toast').filter({ hasText: 'failed jobs removed from events' }).waitFor();

    // The job drawer shows a real job, with its payload redacted where it must be.
    const jobId = await latestCompletedJobId('events');
    expect(jobId).not.toBeNull();
    await page.getByTestId('job-queue').selectOption('events');
    await page.getByTestId('job-id').fill(jobId ?? '');
    await page.getByTestId('job-open').click();
    const drawer = page.getByTestId('job-detail');
    await drawer.getByTestId('job-detail-state').filter({ hasText: 'completed' }).waitFor();
    expect(await drawer.getByTestId('job-detail-name').textContent()).toMatch(/^[a-z_]+\.[a-z_]+$/);
    expect(await drawer.getByTestId('job-detail-data').textContent()).toContain('"id"');
    await snap(page, 'o4-queue-job');
    await drawer.getByTestId('job-detail-close').click();

    // An unknown job is the drawer's error state, not a crash.
    await page.getByTestId('job-id').fill('no-such-job');
    await page.getByTestId('job-open').click();
    await page.getByTestId('job-detail').getByTestId('state-error').waitFor();
    await page.getByTestId('job-detail-close').click();

    // The queue's audit history: both actions, by this admin.
    await maintenance.getByTestId('audit-link').click();
    await page.waitForURL((url) => url.pathname === '/audit-log' && url.search.includes('objectId=maintenance'));
    await page.locator('[data-testid="audit-row"][data-action="queue.pause"]').waitFor();
    await page.locator('[data-testid="audit-row"][data-action="queue.resume"]').waitFor();
    expect(await page.getByTestId('audit-filter-object-id').inputValue()).toBe('maintenance');
    await snap(page, 'o5-queue-audit');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('lists the failed jobs of a queue, opens one from its row and retries it after confirming', async () => {
    const jobId = await failingJob('maintenance', 'verify-audit-chain', `e2e-failed-${uniqueSuffix()}`);

    const { adminEmail, adminPassword } = e2eEnv();
    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, adminEmail, adminPassword);
    await page.getByTestId('nav-queues').click();
    await page.getByTestId('queues-table').waitFor();
    await page.getByTestId('jobs-queue').selectOption('maintenance');
    expect(await page.getByTestId('jobs-state').inputValue()).toBe('failed');
    await page.getByTestId('jobs-show').click();
    const row = page.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`);
    await row.waitFor();
    expect(await row.getByTestId('job-row-attempts').textContent()).toContain('1 of 1');
    expect((await row.getByTestId('job-row-reason').textContent())?.trim()).not.toBe('—');
    await snap(page, 'o6-queue-failed-jobs');

    // The row opens the job drawer, where the (redacted) payload lives; the list never carries it.
    await row.click();
    const drawer = page.getByTestId('job-detail');
    expect(await drawer.getByTestId('job-detail-id').textContent()).toBe(jobId);
    await drawer.getByTestId('job-detail-state').filter({ hasText: 'failed' }).waitFor();
    expect(await drawer.getByTestId('job-detail-data').textContent()).toContain('not the declared payload');
    await drawer.getByTestId('job-detail-close').click();
    await drawer.waitFor({ state: 'detached' });

    await row.getByTestId('job-select').check();
    await page.getByTestId('jobs-retry-selected').click();
    await confirm(page, 'Retry 1 failed job of maintenance?');
    await page.getByTestId('toast').filter({ hasText: '1 failed job of maintenance retried.' }).waitFor();
    await snap(page, 'o7-queue-job-retried');

    // It ran again and, its payload still wrong, failed again: back in the list with a second attempt.
    await eventuallyShows(page, row, '2 of 1');

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

/** Re-reads the jobs list until the row shows the attempts (the worker runs the retried job meanwhile). */
async function eventuallyShows(page: Page, row: Locator, attempts: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    await page.getByTestId('jobs-show').click();
    await page.getByTestId('jobs-show').and(page.locator(':enabled')).waitFor();
    if ((await row.count()) > 0 && (await row.getByTestId('job-row-attempts').textContent())?.includes(attempts)) {
      return;
    }
    await page.waitForTimeout(300);
  }
  throw new Error(`the job row never showed ${attempts} attempts`);
}

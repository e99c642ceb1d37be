import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import type { ReconciliationReportView, TrialBalanceView } from '@lsp/contracts';
import {
  adminToken,
  apiGet,
  createMerchant,
  createPayment,
  createUser,
  getPayment,
  strongPassword,
  uniqueSuffix,
} from './support/api-client';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';

/** Polls with a deadline until `check` passes (the workers post journals asynchronously); never sleeps blind. */
async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (check(last)) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after 30 s`);
}

/** Clicks a page's Refresh until the element shows the text: the page itself has no live feed of postings. */
async function refreshUntil(page: Page, refreshTestId: string, locator: Locator): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      await locator.first().waitFor({ timeout: 2_000 });
      return;
    } catch {
      await page.getByTestId(refreshTestId).click();
    }
  }
  await locator.first().waitFor({ timeout: 1 });
}

const walletRow = (page: Page, merchantId: string, currency = 'INR') =>
  page.locator(`[data-testid="wallet-row"][data-merchant-id="${merchantId}"][data-currency="${currency}"]`);

describe('finance pages', () => {
  let browser: Browser;
  let token: string;
  const finance = { email: `finance-${uniqueSuffix()}@e2e.test`, password: strongPassword() };

  beforeAll(async () => {
    browser = await launchBrowser();
    token = await adminToken();
    await createUser(token, { email: finance.email, password: finance.password, roles: ['finance'] });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('a capture made through the API appears in the wallet; a settlement run pays it out with its items and CSV', async () => {
    const { merchant, apiKey } = await createMerchant(token, {
      name: `E2E Wallet ${uniqueSuffix()}`,
      email: `wallet-${uniqueSuffix()}@e2e.test`,
      settlementSchedule: 'manual',
    });
    // Sandbox: an amount ending in 00 is captured by the gateway's callback; the default rule charges 2 %.
    const payment = await createPayment(apiKey.secret, { amount: 10000, currency: 'INR', method: 'upi' });
    await until(
      'capture',
      () => getPayment(apiKey.secret, payment.id),
      (p) => p.status === 'captured',
    );

    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, finance.email, finance.password);

    await page.getByTestId('nav-wallets').click();
    await page.waitForURL((url) => url.pathname === '/wallets');
    await refreshUntil(
      page,
      'wallets-refresh',
      walletRow(page, merchant.id).getByTestId('wallet-pending').filter({ hasText: '₹98.00' }),
    );
    expect(await walletRow(page, merchant.id).getByTestId('wallet-available').textContent()).toBe('₹0.00');
    expect(await walletRow(page, merchant.id).getByTestId('wallet-settled').textContent()).toBe('₹0.00');
    await snap(page, 'f1-wallets');

    await walletRow(page, merchant.id).getByTestId('wallet-open').click();
    await page.waitForURL((url) => url.pathname === `/wallets/${merchant.id}`);
    const capture = page.locator('[data-testid="statement-row"][data-type="capture"]');
    await capture.waitFor();
    expect(await capture.getByTestId('statement-amount').textContent()).toBe('+₹98.00');
    expect(await capture.getByTestId('statement-payment').textContent()).toBe(payment.id);
    expect(await capture.getByTestId('statement-balance-after').textContent()).toBe('₹98.00');
    const inr = page.locator('[data-testid="wallet-balance"][data-currency="INR"]');
    expect(await inr.getByTestId('balance-pending').textContent()).toBe('₹98.00');
    await snap(page, 'f2-statement');

    // The date filter reaches the API: nothing was posted tomorrow.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
    await page.getByTestId('statement-filter-from').fill(day);
    await page.getByTestId('statement-filter-apply').click();
    await page.getByTestId('state-empty').waitFor();
    await page.getByTestId('statement-filter-reset').click();
    await capture.waitFor();

    // A cut-off in the future is refused by the API and shown on the cut-off field; nothing is run.
    await page.getByTestId('nav-settlements').click();
    await page.waitForURL((url) => url.pathname === '/settlements');
    await page.getByTestId('run-settlement-open').click();
    await page.getByTestId('run-settlement-merchant').fill(merchant.id);
    await page.getByTestId('run-settlement-cutoff').fill('2099-01-01T10:00');
    await page.getByTestId('run-settlement-submit').click();
    await page.getByTestId('confirm-accept').click();
    await page.getByTestId('run-settlement-cutoff-error').filter({ hasText: 'future' }).waitFor();
    expect(await page.getByTestId('run-settlement-result').count()).toBe(0);

    // The capture of a few seconds ago is settled now: an on-demand run with the default cut-off (now) takes
    // every capture made up to it, whatever the merchant's schedule (API.md §7).
    await page.getByTestId('run-settlement-cutoff').fill('');
    await page.getByTestId('run-settlement-submit').click();
    const dialog = page.getByTestId('confirm-dialog');
    expect(await dialog.textContent()).toContain(merchant.id);
    await snap(page, 'f3-run-confirm');
    await page.getByTestId('confirm-accept').click();
    const result = page.locator('[data-testid="run-settlement-result"][data-status="completed"]');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getByTestId('run-settlement-created').textContent()).toBe('1');
    expect(await result.getByTestId('run-settlement-items').textContent()).toBe('1');

    await page.getByTestId('settlements-filter-merchant').fill(merchant.id);
    await page.getByTestId('settlements-filter-apply').click();
    const row = page.locator(`[data-testid="settlement-row"][data-merchant-id="${merchant.id}"]`);
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId('settlement-amount').textContent()).toBe('₹98.00');
    expect(await row.getByTestId('settlement-status').textContent()).toContain('paid');
    await snap(page, 'f4-settlements');

    await row.getByTestId('settlement-open').click();
    const item = page.locator(`[data-testid="settlement-item"][data-payment-id="${payment.id}"]`);
    await item.waitFor();
    expect(await item.getByTestId('settlement-item-amount').textContent()).toBe('+₹98.00');
    expect(await page.getByTestId('settlement-detail-amount').textContent()).toBe('₹98.00');
    await snap(page, 'f5-settlement-detail');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('settlement-csv').click()]);
    const settlementId = (await page.getByTestId('settlement-id').textContent()) ?? '';
    expect(download.suggestedFilename()).toBe(`settlement-${settlementId}.csv`);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv).toContain(payment.id);
    expect(csv.trim().split('\n').length).toBeGreaterThanOrEqual(2);

    // The wallet now shows the money as settled.
    await page.getByTestId('nav-wallets').click();
    await refreshUntil(
      page,
      'wallets-refresh',
      walletRow(page, merchant.id).getByTestId('wallet-settled').filter({ hasText: '₹98.00' }),
    );
    expect(await walletRow(page, merchant.id).getByTestId('wallet-pending').textContent()).toBe('₹0.00');
    expect(pageErrors).toEqual([]);
    await context.close();

    // The merchant's own user sees the same wallet and settlement, and no finance-only pages or actions.
    const merchantUser = { email: `mu-${uniqueSuffix()}@e2e.test`, password: strongPassword() };
    await createUser(token, { ...merchantUser, roles: ['merchant'], merchantId: merchant.id });
    const own = await openConsole(browser);
    await signIn(own.page, merchantUser.email, merchantUser.password);
    expect(await own.page.getByTestId('nav-commission-rules').count()).toBe(0);
    expect(await own.page.getByTestId('nav-ledger').count()).toBe(0);
    await own.page.getByTestId('nav-wallets').click();
    const ownInr = own.page.locator('[data-testid="wallet-balance"][data-currency="INR"]');
    await ownInr.getByTestId('balance-settled').filter({ hasText: '₹98.00' }).waitFor();
    const paidOut = own.page.locator(
      '[data-testid="statement-row"][data-type="settlement"][data-account="merchant_settled"]',
    );
    await paidOut.waitFor();
    expect(await paidOut.getByTestId('statement-amount').textContent()).toBe('+₹98.00');
    await own.page.getByTestId('nav-settlements').click();
    await own.page.getByTestId('settlement-row').first().waitFor();
    expect(await own.page.getByTestId('settlement-row').count()).toBe(1);
    expect(await own.page.getByTestId('run-settlement-open').count()).toBe(0);
    await snap(own.page, 'f6-merchant-settlements');
    // Finance's per-merchant statement URL is not a merchant user's page.
    await own.page.goto(`/wallets/${merchant.id}`);
    await own.page.waitForURL((url) => url.pathname === '/');
    expect(own.pageErrors).toEqual([]);
    await own.context.close();
  });

  it('the API’s objection shows on the rule field; a saved rule changes the fee preview', async () => {
    const { merchant } = await createMerchant(token, {
      name: `E2E Rules ${uniqueSuffix()}`,
      email: `rules-${uniqueSuffix()}@e2e.test`,
    });
    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, finance.email, finance.password);
    await page.getByTestId('nav-commission-rules').click();
    await page.getByTestId('rules-table').waitFor();
    const versionBefore = Number(await page.getByTestId('rules-version').textContent());

    await page.getByTestId('preview-merchant').fill(merchant.id);
    await page.getByTestId('preview-amount').fill('1000.00');
    await page.getByTestId('preview-commission').filter({ hasText: '₹20.00' }).waitFor();
    expect(await page.getByTestId('preview-net').textContent()).toBe('₹980.00');
    await snap(page, 'f7-rules');

    await page.getByTestId('rules-edit').click();
    const editRows = page.locator('[data-testid="rule-edit-row"]');
    await editRows.first().waitFor();
    const rowsBefore = await editRows.count();
    await page.getByTestId('rule-add').click();
    // Pin the new row by index: `.last()` re-resolves per action and could still mean an existing rule's row.
    const added = editRows.nth(rowsBefore);
    await added.waitFor();
    await added.getByTestId('rule-merchant').fill(merchant.id);
    await added.getByTestId('rule-percent-bps').fill('150');
    await added.getByTestId('rule-minAmount').fill('500');
    await added.getByTestId('rule-maxAmount').fill('100');
    await page.getByTestId('rules-save').click();
    // min above max is judged by the API (the browser only checks these are whole numbers).
    const maxError = added.getByTestId('rule-error-maxAmount');
    await maxError.waitFor();
    expect(await maxError.textContent()).toContain('maxAmount');
    expect(await added.getByTestId('rule-maxAmount').getAttribute('aria-invalid')).toBe('true');
    await snap(page, 'f8-rule-api-error');

    await added.getByTestId('rule-maxAmount').fill('');
    await added.getByTestId('rule-minAmount').fill('');
    // The preview follows the draft before it is saved.
    await page
      .getByTestId('preview-commission')
      .filter({ hasText: '₹15.00' })
      .waitFor({ timeout: 45_000 })
      .catch(async (error: unknown) => {
        await snap(page, 'f-preview-draft-failure');
        throw error;
      });
    await page.getByTestId('rules-save').click();
    await page.getByTestId('rules-table').waitFor();
    expect(Number(await page.getByTestId('rules-version').textContent())).toBe(versionBefore + 1);
    await page.getByTestId('rule-scope').filter({ hasText: merchant.id }).waitFor();

    // Now under the saved rules, straight from the API's current set.
    await page
      .getByTestId('preview-version')
      .filter({ hasText: String(versionBefore + 1) })
      .waitFor();
    expect(await page.getByTestId('preview-commission').textContent()).toBe('₹15.00');
    expect(await page.getByTestId('preview-net').textContent()).toBe('₹985.00');
    await snap(page, 'f9-rule-saved');

    // The previous version is still there to read, and previews under its rules.
    await page.getByTestId('rules-version-select').selectOption(String(versionBefore));
    await page
      .getByTestId('rules-version')
      .filter({ hasText: String(versionBefore) })
      .waitFor();
    await page.getByTestId('preview-commission').filter({ hasText: '₹20.00' }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('the books show a balanced trial balance and the reconciliation checks, as the API reports them', async () => {
    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, finance.email, finance.password);
    await page.getByTestId('nav-ledger').click();
    const banner = page.getByTestId('trial-balanced');
    await banner.waitFor();
    const fromApi = await apiGet<TrialBalanceView>('/admin/ledger/trial-balance', token);
    expect(fromApi.balanced).toBe(true);
    expect(await banner.getAttribute('data-balanced')).toBe('true');
    expect(await banner.textContent()).toContain('Balanced');
    expect(await page.locator('[data-testid="trial-total"][data-currency="INR"][data-balanced="true"]').count()).toBe(
      1,
    );
    expect(await page.getByTestId('trial-account').count()).toBeGreaterThan(0);
    await snap(page, 'f10-trial-balance');

    await page.getByTestId('recon-run-now').click();
    const live = page.getByTestId('recon-live');
    await live.waitFor();
    const report = await apiGet<ReconciliationReportView>('/admin/ledger/reconciliation?live=true', token);
    expect(await page.getByTestId('recon-live-check').count()).toBe(report.live?.checks.length);
    expect(report.live?.checks.length).toBeGreaterThan(0);
    expect(await live.getAttribute('data-ok')).toBe(String(report.live?.ok));
    await snap(page, 'f11-reconciliation');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('sre sees no finance pages', async () => {
    const sre = { email: `sre-fin-${uniqueSuffix()}@e2e.test`, password: strongPassword() };
    await createUser(token, { ...sre, roles: ['sre'] });
    const { context, page } = await openConsole(browser);
    await signIn(page, sre.email, sre.password);
    for (const nav of ['nav-wallets', 'nav-settlements', 'nav-commission-rules', 'nav-ledger']) {
      expect(await page.getByTestId(nav).count()).toBe(0);
    }
    await page.goto('/settlements');
    await page.waitForURL((url) => url.pathname === '/');
    await context.close();
  });
});

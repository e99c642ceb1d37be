import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';
import { e2eEnv } from './support/env';

describe('signing in', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('sends a visitor to the login page, then lands the admin on the overview with the full navigation', async () => {
    const { adminEmail, adminPassword } = e2eEnv();
    const { context, page, pageErrors } = await openConsole(browser);

    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByTestId('login-form').waitFor();
    await snap(page, 'a1-login');

    await signIn(page, adminEmail, adminPassword);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByTestId('profile-email').textContent()).toBe(adminEmail);
    expect(await page.getByTestId('current-user-email').textContent()).toContain(adminEmail);
    expect(await page.getByTestId('current-user-roles').textContent()).toContain('admin');
    for (const entry of ['nav-home', 'nav-merchants', 'nav-audit-log']) {
      expect(await page.getByTestId(entry).isVisible()).toBe(true);
    }
    await snap(page, 'a2-home-admin');

    // A reload keeps the session (sessionStorage) and revalidates it with /auth/me.
    await page.reload();
    await page.getByTestId('profile-email').waitFor();

    await page.getByTestId('sign-out').click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.goto('/merchants');
    await page.waitForURL((url) => url.pathname === '/login');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows the API error message for a wrong password and stays on the login page', async () => {
    const { adminEmail } = e2eEnv();
    const { context, page } = await openConsole(browser);

    await page.goto('/login');
    await page.getByTestId('login-email').fill(adminEmail);
    await page.getByTestId('login-password').fill('definitely-not-the-password');
    await page.getByTestId('login-submit').click();

    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect((await error.textContent())?.trim()).toMatch(/invalid email or password/i);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByTestId('login-submit').isEnabled()).toBe(true);
    await snap(page, 'a3-login-wrong-password');
    await context.close();
  });
});

describe('keeping the session alive', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  const storedRefreshToken = (page: Page) =>
    page.evaluate(() => {
      const raw = sessionStorage.getItem('lsp.console.session');
      return raw ? (JSON.parse(raw) as { refreshToken: string }).refreshToken : null;
    });

  it('renews an expired access token with the refresh token and retries, without bothering the user', async () => {
    const { adminEmail, adminPassword } = e2eEnv();
    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, adminEmail, adminPassword);
    const firstRefreshToken = await storedRefreshToken(page);

    // Fault injection: the next merchants call answers 401 as an expired token would (15 minutes is too long
    // to wait). The console must refresh against the real API, then repeat the call.
    await page.route(
      (url) => url.pathname === '/api/v1/admin/merchants',
      (route) =>
        route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: JSON.stringify({
            error: {
              type: 'authentication_error',
              code: 'token_expired',
              message: 'Access token expired',
              requestId: 'req_injected',
            },
          }),
        }),
      { times: 1 },
    );
    const [refresh] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh')),
      page.getByTestId('nav-merchants').click(),
    ]);
    expect(refresh.status()).toBe(200);
    await page.locator('[data-testid="merchants-table"], [data-testid="state-empty"]').first().waitFor();
    expect(await page.getByTestId('toast').count()).toBe(0);
    const rotated = await storedRefreshToken(page);
    expect(rotated).not.toBeNull();
    expect(rotated).not.toBe(firstRefreshToken);

    // A reload with a stale access token: start-up renews it before the first page loads.
    await page.evaluate(() => {
      const raw = sessionStorage.getItem('lsp.console.session');
      if (raw) {
        sessionStorage.setItem('lsp.console.session', JSON.stringify({ ...JSON.parse(raw), accessToken: 'stale' }));
      }
    });
    await page.reload();
    await page.locator('[data-testid="merchants-table"], [data-testid="state-empty"]').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/merchants');
    expect(await storedRefreshToken(page)).not.toBe(rotated);
    await snap(page, 'a4-session-renewed');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('sends the user to the login page when the session can no longer be renewed', async () => {
    const { adminEmail, adminPassword } = e2eEnv();
    const { context, page } = await openConsole(browser);
    await signIn(page, adminEmail, adminPassword);

    // Both tokens unusable: the refresh is refused, so the session ends.
    await page.evaluate(() => {
      const raw = sessionStorage.getItem('lsp.console.session');
      if (raw) {
        sessionStorage.setItem(
          'lsp.console.session',
          JSON.stringify({
            ...JSON.parse(raw),
            accessToken: 'stale',
            refreshToken: 'revoked',
          }),
        );
      }
    });
    await page.goto('/merchants');
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByTestId('login-form').waitFor();
    await snap(page, 'a5-session-ended');
    await context.close();
  });
});

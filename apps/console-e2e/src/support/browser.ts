import { resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { e2eEnv } from './env';
import { SCREENSHOT_DIR } from './paths';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page: a console that throws fails the test even if the screen looks right. */
  pageErrors: string[];
}

/** A fresh browser context (own sessionStorage) on the console. */
export async function openConsole(browser: Browser): Promise<Session> {
  const context = await browser.newContext({
    baseURL: e2eEnv().baseUrl,
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page, pageErrors };
}

/** Full-page screenshot of the current page, one file per visited screen. */
export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: resolve(SCREENSHOT_DIR, `${name}.png`),
    fullPage: true,
  });
}

/** Signs in through the login form and waits for the overview page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('profile-email').waitFor();
}

/** Text of a locator once it contains `expected`; waits rather than sleeps. */
export async function waitForText(page: Page, testId: string, expected: string): Promise<void> {
  await page.getByTestId(testId).filter({ hasText: expected }).first().waitFor();
}

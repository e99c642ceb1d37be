import type { Page } from 'playwright-core';

/** Waits until a page's live indicator reports its stream open, so what is published next reaches it. */
export async function waitForLive(page: Page, testId: string): Promise<void> {
  await page.locator(`[data-testid="${testId}"][data-state="open"]`).waitFor();
}

/** Text of the first element with this test id, whitespace collapsed. */
export async function textOf(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Counts the browser's full page loads, to prove a live update arrived without one. */
export async function countNavigations(page: Page): Promise<() => number> {
  let loads = 0;
  page.on('load', () => {
    loads += 1;
  });
  return () => loads;
}

import type { CreatedGateway, GatewayView, ListResponse } from '@lsp/contracts';
import type { Browser, Locator, Page } from 'playwright-core';
import { adminToken, createUser, strongPassword, uniqueSuffix } from './support/api-client';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';
import { e2eEnv } from './support/env';

/**
 * Gateways created here are disabled: routing (and so the other specs' payments) keeps using the two seeded
 * sandbox gateways, whatever these tests reorder.
 */

async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(`${e2eEnv().baseUrl}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  }
  return JSON.parse(text) as T;
}

function createSandboxGateway(token: string, code: string, priority: number, config: Record<string, unknown> = {}) {
  return api<CreatedGateway>('POST', '/admin/gateways', token, {
    code,
    name: `Sandbox ${code}`,
    provider: 'sandbox',
    priority,
    enabled: false,
    currencies: ['INR'],
    methods: ['upi'],
    config,
  });
}

async function listGateways(token: string): Promise<GatewayView[]> {
  return (await api<ListResponse<GatewayView>>('GET', '/admin/gateways', token)).data;
}

const row = (page: Page, code: string): Locator =>
  page.locator(`[data-testid="gateway-row"][data-gateway-code="${code}"]`);

async function rowCodes(page: Page): Promise<string[]> {
  return page
    .getByTestId('gateway-row')
    .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['gatewayCode'] ?? ''));
}

async function openGateways(page: Page): Promise<void> {
  await page.getByTestId('nav-gateways').click();
  await page.waitForURL((url) => url.pathname === '/gateways');
  await page.locator('[data-testid="gateways-table"], [data-testid="state-empty"]').first().waitFor();
}

/**
 * A real pointer drag (press, move in steps, release) on the row's handle, as @angular/cdk/drag-drop expects:
 * it starts dragging only after the pointer has moved a few pixels with the button down.
 */
async function dragRowAbove(page: Page, dragged: Locator, target: Locator): Promise<void> {
  const handle = dragged.getByTestId('gateway-drag-handle');
  // Mouse events only reach what is inside the viewport.
  await target.scrollIntoViewIfNeeded();
  await handle.scrollIntoViewIfNeeded();
  const from = await handle.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) {
    throw new Error('rows not visible');
  }
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2 - 10, { steps: 5 });
  await page.mouse.move(from.x + from.width / 2, to.y + to.height * 0.2, { steps: 20 });
  await page.mouse.up();
}

describe('gateways', () => {
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    token = await adminToken();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('admin creates a Razorpay gateway; its credentials are write-only and its webhook secret shown once', async () => {
    const { adminEmail, adminPassword } = e2eEnv();
    const { context, page, pageErrors } = await openConsole(browser);
    const code = `e2e-rzp-${uniqueSuffix()}`;

    await signIn(page, adminEmail, adminPassword);
    await openGateways(page);
    await row(page, 'sandbox-primary').waitFor();
    await snap(page, 'g1-gateways');

    await page.getByTestId('gateway-create-open').click();
    await page.getByTestId('gateway-provider').selectOption('razorpay');
    await page.getByTestId('gateway-code').fill(code);
    await page.getByTestId('gateway-name').fill('Razorpay (e2e)');
    await page.getByTestId('gateway-currencies').fill('INR, USD');
    await page.getByTestId('gateway-enabled-input').uncheck();
    // A closed port: nothing to reach, so "Test" must report the failure class, quickly.
    await page.getByTestId('gateway-config-baseUrl').fill('http://127.0.0.1:9');
    await page.getByTestId('gateway-credential-keyId').fill('bad-key');
    await page.getByTestId('gateway-credential-keySecret').fill('e2e-key-secret-value');
    await page.getByTestId('gateway-form-submit').click();
    // The form's own check names the field before any request.
    await page.getByTestId('gateway-error-credentials-keyId').waitFor();
    await page.getByTestId('gateway-credential-keyId').fill('rzp_test_E2EKEY12345678');
    await snap(page, 'g2-gateway-create-form');
    await page.getByTestId('gateway-form-submit').click();

    const secret = page.getByTestId('one-time-secret-value');
    await secret.waitFor();
    expect((await secret.inputValue()).length).toBeGreaterThanOrEqual(16);
    const created = row(page, code);
    await created.waitFor();
    expect(await created.getByTestId('gateway-enabled').textContent()).toBe('disabled');
    await snap(page, 'g3-gateway-created');
    await page.getByTestId('one-time-secret-dismiss').click();

    await created.getByTestId('gateway-test').click();
    await created.getByTestId('gateway-test-result').filter({ hasText: 'Failed' }).waitFor();
    // A refused connection: the adapter reports a network class (which one is the adapter's call).
    expect(await created.getByTestId('gateway-test-error-class').textContent()).toMatch(
      /^(gateway_unavailable|connection_lost)$/,
    );

    // Edit: the credential inputs are empty, the masked key id only a placeholder.
    await created.getByTestId('gateway-edit').click();
    const keyId = page.getByTestId('gateway-credential-keyId');
    expect(await keyId.inputValue()).toBe('');
    expect(await keyId.getAttribute('placeholder')).toMatch(/^Current: rzp_test_••••5678$/);
    expect(await page.getByTestId('gateway-credential-keySecret').inputValue()).toBe('');
    await page.getByTestId('gateway-form-cancel').click();

    // The server kept it, masked: the secret never comes back.
    const stored = (await listGateways(token)).find((g) => g.code === code);
    expect(stored?.credentials).toEqual({ keyId: 'rzp_test_••••5678', keySecret: '••••' });
    expect(JSON.stringify(stored)).not.toContain('e2e-key-secret-value');

    await page.reload();
    await row(page, code).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('admin reorders gateways by drag and drop, and a reload shows the saved order', async () => {
    const { adminEmail, adminPassword } = e2eEnv();
    const suffix = uniqueSuffix();
    const first = await createSandboxGateway(token, `e2e-first-${suffix}`, 90_000);
    const second = await createSandboxGateway(token, `e2e-second-${suffix}`, 90_010);
    const { context, page, pageErrors } = await openConsole(browser);

    await signIn(page, adminEmail, adminPassword);
    await openGateways(page);
    await row(page, second.code).waitFor();
    let codes = await rowCodes(page);
    expect(codes.indexOf(first.code)).toBe(codes.indexOf(second.code) - 1);

    await dragRowAbove(page, row(page, second.code), row(page, first.code));
    // The drop shows at once; the toast says the server accepted it.
    await page.locator('.toast-success', { hasText: 'Routing order saved.' }).waitFor();
    codes = await rowCodes(page);
    expect(codes.indexOf(second.code)).toBe(codes.indexOf(first.code) - 1);
    await snap(page, 'g4-gateways-reordered');

    await page.reload();
    await row(page, second.code).waitFor();
    codes = await rowCodes(page);
    expect(codes.indexOf(second.code)).toBe(codes.indexOf(first.code) - 1);

    // The two swapped their priorities; nothing else moved.
    const after = await listGateways(token);
    expect(after.find((g) => g.id === second.id)?.priority).toBe(90_000);
    expect(after.find((g) => g.id === first.id)?.priority).toBe(90_010);
    expect(after.find((g) => g.code === 'sandbox-primary')?.priority).toBe(10);
    expect(after.find((g) => g.code === 'sandbox-secondary')?.priority).toBe(20);

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('admin tests connections and sees success with latency, or the error class', async () => {
    const { adminEmail, adminPassword } = e2eEnv();
    const suffix = uniqueSuffix();
    const up = await createSandboxGateway(token, `e2e-up-${suffix}`, 95_000, { latencyMs: 25 });
    const down = await createSandboxGateway(token, `e2e-down-${suffix}`, 95_010, { mode: 'down' });
    const { context, page, pageErrors } = await openConsole(browser);

    await signIn(page, adminEmail, adminPassword);
    await openGateways(page);

    const upRow = row(page, up.code);
    await upRow.getByTestId('gateway-test').click();
    const okResult = upRow.getByTestId('gateway-test-result');
    await okResult.filter({ hasText: 'Connected' }).waitFor();
    expect(await okResult.getAttribute('data-ok')).toBe('true');
    const latency = Number((/([\d,]+) ms/.exec((await okResult.textContent()) ?? '')?.[1] ?? '').replace(/,/g, ''));
    expect(latency).toBeGreaterThanOrEqual(25);

    const downRow = row(page, down.code);
    await downRow.getByTestId('gateway-test').click();
    await downRow.getByTestId('gateway-test-result').filter({ hasText: 'Failed' }).waitFor();
    expect(await downRow.getByTestId('gateway-test-error-class').textContent()).toBe('gateway_unavailable');

    await snap(page, 'g5-gateway-test-connection');

    // The panel: health now, and history (or its empty state while no samples are recorded).
    await upRow.getByTestId('gateway-health-open').click();
    await page.getByTestId('gateway-health-panel').waitFor();
    await page
      .locator(
        '[data-testid="gateway-health-panel"] [data-testid="gateway-success-chart"], ' +
          '[data-testid="gateway-health-panel"] [data-testid="state-empty"]',
      )
      .first()
      .waitFor();
    await snap(page, 'g6-gateway-health-panel');
    await page.getByTestId('gateway-health-close').click();

    // The charts in a real browser (chart.js on a canvas). History samples are written by the health collector
    // over minutes, so this step serves a fixed history to exercise the drawing, not the API.
    const now = Date.now();
    const samples = Array.from({ length: 12 }, (_, i) => ({
      at: new Date(now - (12 - i) * 300_000).toISOString(),
      status: i === 7 ? 'degraded' : 'healthy',
      successRate: i === 7 ? 0.82 : 0.99,
      p95LatencyMs: 180 + i * 10,
      attempts: 20,
      failures: i === 7 ? 4 : 0,
      probeLatencyMs: i === 3 ? null : 25,
      probeError: i === 3 ? 'timeout' : null,
    }));
    await page.route('**/api/v1/admin/gateways/*/health/history?*', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ data: samples }) }),
    );
    await upRow.getByTestId('gateway-health-open').click();
    const chart = page.getByTestId('gateway-success-chart');
    await chart.locator('canvas').waitFor();
    expect(await page.getByTestId('gateway-success-chart-summary').textContent()).toContain('lowest 82%');
    expect(await page.getByTestId('gateway-latency-chart-summary').textContent()).toContain('latest 290 ms');
    // chart.js drew something: the canvas is sized and not blank.
    const painted = await chart
      .locator('canvas')
      .evaluate(
        (canvas: HTMLCanvasElement) =>
          canvas.width > 0 && canvas.toDataURL() !== document.createElement('canvas').toDataURL(),
      );
    expect(painted).toBe(true);
    await snap(page, 'g7-gateway-health-chart');
    await page.getByTestId('gateway-health-close').click();
    await page.unroute('**/api/v1/admin/gateways/*/health/history?*');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('sre sees gateways and their health but no way to change them', async () => {
    const { context, page, pageErrors } = await openConsole(browser);
    const email = `sre-gw-${uniqueSuffix()}@e2e.test`;
    const password = strongPassword();
    await createUser(token, { email, password, roles: ['sre'] });

    await signIn(page, email, password);
    await openGateways(page);
    await row(page, 'sandbox-primary').waitFor();
    expect(await page.getByTestId('gateway-create-open').count()).toBe(0);
    expect(await page.getByTestId('gateway-test').count()).toBe(0);
    expect(await page.getByTestId('gateway-drag-handle').count()).toBe(0);
    expect(await row(page, 'sandbox-primary').getByTestId('gateway-health-status').textContent()).toMatch(
      /healthy|degraded|down/,
    );
    await snap(page, 'g8-gateways-sre');

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

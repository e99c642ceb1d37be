import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import {
  adminToken,
  createMerchant,
  createPayment,
  createUser,
  strongPassword,
  uniqueSuffix,
} from './support/api-client';
import { launchBrowser, openConsole, signIn, snap } from './support/browser';
import { e2eEnv } from './support/env';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A merchant's webhook receiver on loopback (the e2e API allows private targets): records and answers 200. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ received: true, receiver: 'e2e' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hooks/lsp`, received };
}

/** Status of a call made with an API key secret (the merchant server's view of its key). */
async function keyStatus(secret: string): Promise<number> {
  const response = await fetch(`${e2eEnv().baseUrl}/api/v1/merchant/credentials`, {
    headers: { Authorization: `Bearer ${secret}` },
  });
  await response.text();
  return response.status;
}

async function openDeveloper(page: Page, tab: 'keys' | 'webhooks' | 'events' | 'usage'): Promise<void> {
  await page.getByTestId('nav-developer').click();
  await page.waitForURL((url) => url.pathname === '/developer');
  await page.getByTestId(`developer-tab-${tab}`).click();
}

const keyRow = (page: Page, keyId: string) => page.locator(`[data-testid="api-key-row"][data-key-id="${keyId}"]`);

describe('developer area', () => {
  let browser: Browser;
  let token: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    browser = await launchBrowser();
    token = await adminToken();
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  async function merchantWithUser() {
    const created = await createMerchant(token, {
      name: `E2E Dev ${uniqueSuffix()}`,
      email: `dev-${uniqueSuffix()}@e2e.test`,
    });
    const user = { email: `dev-user-${uniqueSuffix()}@e2e.test`, password: strongPassword() };
    await createUser(token, { ...user, roles: ['merchant'], merchantId: created.merchant.id });
    return { ...created, user };
  }

  it('regenerates the API key: the new secret is shown once, the old key works in its grace period until revoked', async () => {
    const { apiKey: oldKey, user } = await merchantWithUser();
    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, user.email, user.password);
    await openDeveloper(page, 'keys');

    await keyRow(page, oldKey.id).waitFor();
    expect(await keyRow(page, oldKey.id).getByTestId('api-key-masked').textContent()).toBe(oldKey.masked);
    expect(await page.getByTestId('api-key-row').count()).toBe(1);
    await snap(page, 'd1-api-keys');

    await page.getByTestId('api-key-regenerate').click();
    await page.getByTestId('confirm-dialog').filter({ hasText: 'grace period' }).waitFor();
    await page.getByTestId('confirm-accept').click();

    const panel = page.getByTestId('one-time-secret');
    await panel.waitFor();
    const newSecret = await panel.getByTestId('one-time-secret-value').inputValue();
    expect(newSecret).toMatch(/^lsp_test_/);
    expect(newSecret).not.toBe(oldKey.secret);
    const warning = await panel.getByTestId('one-time-secret-warning').textContent();
    expect(warning).toContain('grace period');
    expect(warning).toContain(oldKey.masked);
    await page.getByTestId('api-key-row').nth(1).waitFor();
    expect((await keyRow(page, oldKey.id).getByTestId('api-key-expires').textContent())?.trim()).not.toBe('—');
    await snap(page, 'd2-api-key-regenerated');

    // Both keys work during the grace period.
    expect(await keyStatus(newSecret)).toBe(200);
    expect(await keyStatus(oldKey.secret)).toBe(200);

    await panel.getByTestId('one-time-secret-dismiss').click();
    await panel.waitFor({ state: 'detached' });
    expect(await page.getByTestId('one-time-secret').count()).toBe(0);

    // Revoking the old key ends its grace period at once.
    await keyRow(page, oldKey.id).getByTestId('api-key-revoke').click();
    await page.getByTestId('confirm-dialog').filter({ hasText: oldKey.masked }).waitFor();
    await page.getByTestId('confirm-accept').click();
    await keyRow(page, oldKey.id).getByTestId('api-key-status').filter({ hasText: 'revoked' }).waitFor();
    expect(await keyStatus(oldKey.secret)).toBe(401);
    expect(await keyStatus(newSecret)).toBe(200);

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('creates a webhook endpoint, sends it a signed test event and shows the receiver’s answer and the event log', async () => {
    const { merchant, apiKey, user } = await merchantWithUser();
    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, user.email, user.password);
    await openDeveloper(page, 'webhooks');
    await page.getByTestId('state-empty').waitFor();

    await page.getByTestId('endpoint-create-open').click();
    const form = page.getByTestId('endpoint-form');
    // The API's refusal is shown on the field it names.
    await form.getByTestId('endpoint-url').fill('ftp://example.com/hooks');
    await form.getByTestId('endpoint-submit').click();
    await form.getByTestId('endpoint-url-error').waitFor();
    expect(await form.getByTestId('endpoint-url-error').textContent()).toMatch(/url/i);
    await snap(page, 'd3-endpoint-url-refused');

    await form.getByTestId('endpoint-url').fill(receiver.url);
    await form.getByTestId('endpoint-description').fill('Order service');
    await form.getByTestId('endpoint-event-payment.created').check();
    await form.getByTestId('endpoint-submit').click();

    const secretPanel = page.getByTestId('one-time-secret');
    await secretPanel.waitFor();
    const secret = await secretPanel.getByTestId('one-time-secret-value').inputValue();
    expect(secret).toMatch(/^whsec_/);
    const row = page.getByTestId('endpoint-row').filter({ hasText: receiver.url });
    await row.waitFor();
    const endpointId = await row.getAttribute('data-endpoint-id');
    expect(endpointId).toMatch(/^whe_/);
    expect(await row.textContent()).toContain('payment.created');
    expect(await row.getByTestId('endpoint-status').textContent()).toContain('enabled');
    await snap(page, 'd4-endpoint-created');
    await secretPanel.getByTestId('one-time-secret-dismiss').click();

    const before = receiver.received.length;
    await row.getByTestId('endpoint-test').click();
    const result = page.getByTestId('endpoint-test-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.getByTestId('endpoint-test-status').textContent()).toBe('200');
    expect(await result.getByTestId('endpoint-test-latency').textContent()).toMatch(/^\d+ ms$/);
    expect(await result.getByTestId('endpoint-test-body').textContent()).toContain('"receiver":"e2e"');
    await snap(page, 'd5-test-event-delivered');

    // The receiver got one signed test event, verifiable with the secret the console showed.
    const tests = receiver.received.slice(before).filter((r) => r.body.includes('test.webhook'));
    expect(tests).toHaveLength(1);
    const verified = new Webhook(secret).verify(tests[0].body, tests[0].headers as Record<string, string>) as {
      type: string;
    };
    expect(verified.type).toBe('test.webhook');

    // A real event: the payment's delivery and its attempt show in the event log.
    const payment = await createPayment(apiKey.secret, {
      amount: 10000,
      currency: 'INR',
      method: 'upi',
      description: `dev ${merchant.id}`,
    });
    await page.getByTestId('developer-tab-events').click();
    const eventRow = page.getByTestId('event-row').filter({ hasText: 'payment.created' });
    const deadline = Date.now() + 30_000;
    while ((await eventRow.count()) === 0 && Date.now() < deadline) {
      await page.waitForTimeout(1000);
      await page.getByTestId('event-filter-apply').click();
      await page.locator('[data-testid="events-table"], [data-testid="state-empty"]').first().waitFor();
    }
    await eventRow.first().waitFor({ timeout: 5_000 });
    const delivery = page.getByTestId('delivery').filter({ hasText: receiver.url });
    // The workers create the delivery after the event: reopen the list until it shows.
    const deliveryDeadline = Date.now() + 30_000;
    const toggle = eventRow.first().getByTestId('event-deliveries');
    await toggle.click();
    while (
      !(await delivery.waitFor({ timeout: 3000 }).then(
        () => true,
        () => false,
      )) &&
      Date.now() < deliveryDeadline
    ) {
      // The button toggles: hide, then show again to reload the list.
      await toggle.click();
      await toggle.click();
    }
    await delivery.waitFor();
    // The first attempt may still be in flight: reopen until it is recorded.
    const attemptDeadline = Date.now() + 30_000;
    while ((await delivery.getByTestId('attempt-row').count()) === 0 && Date.now() < attemptDeadline) {
      await eventRow.first().getByTestId('event-deliveries').click();
      await eventRow.first().getByTestId('event-deliveries').click();
      await page.waitForTimeout(1000);
    }
    expect((await delivery.getByTestId('attempt-status').first().textContent())?.trim()).toBe('200');
    // The endpoint also takes the defaults (payment.captured, payment.failed): count this event's deliveries only.
    const ofCreated = (r: Received) => r.body.includes(payment.id) && r.body.includes('"payment.created"');
    const delivered = receiver.received.filter(ofCreated);
    expect(delivered.length).toBeGreaterThanOrEqual(1);
    await snap(page, 'd6-event-log');

    await delivery.getByTestId('delivery-redeliver').click();
    await page.getByTestId('toast').filter({ hasText: 'Redelivery queued for 1' }).first().waitFor();
    const redeliveryDeadline = Date.now() + 30_000;
    while (receiver.received.filter(ofCreated).length < 2 && Date.now() < redeliveryDeadline) {
      await page.waitForTimeout(500);
    }
    const all = receiver.received.filter(ofCreated);
    expect(all.length).toBeGreaterThanOrEqual(2);
    // A replay is the same message to the receiver: one webhook-id.
    expect(new Set(all.map((r) => r.headers['webhook-id'])).size).toBe(1);

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('lets an admin pick a merchant, see its keys, usage and endpoints, edit an endpoint’s events and disable it', async () => {
    const { merchant, apiKey } = await merchantWithUser();
    const admin = { email: `admin-dev-${uniqueSuffix()}@e2e.test`, password: strongPassword() };
    await createUser(token, { ...admin, roles: ['admin'] });
    const response = await fetch(`${e2eEnv().baseUrl}/api/v1/webhook-endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey.secret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/admin`, events: ['refund.succeeded'] }),
    });
    expect(response.status).toBe(201);
    const endpoint = (await response.json()) as { id: string };

    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, admin.email, admin.password);
    await page.getByTestId('nav-developer').click();
    await page.getByTestId('developer-pick-merchant').waitFor();
    await page.getByTestId('developer-merchant').selectOption(merchant.id);
    await keyRow(page, apiKey.id).waitFor();
    // Regeneration belongs to the merchant's own users.
    expect(await page.getByTestId('api-key-regenerate').count()).toBe(0);
    await page.getByTestId('developer-tab-usage').click();
    await page.getByTestId('usage-summary').waitFor();
    await page.getByTestId('usage-calls-chart').waitFor();
    expect((await page.getByTestId('usage-total').textContent())?.trim()).toMatch(/^\d+$/);
    await snap(page, 'd7-admin-usage');

    await page.getByTestId('developer-tab-webhooks').click();
    const row = page.locator(`[data-testid="endpoint-row"][data-endpoint-id="${endpoint.id}"]`);
    await row.waitFor();

    // Edit in place: the form opens prefilled, the API's refusal of a URL shows under the field, and saving a
    // new event set updates the row — without ever showing a secret.
    await row.getByTestId('endpoint-edit').click();
    const edit = page.getByTestId('endpoint-edit-form');
    await edit.waitFor();
    expect(await edit.getByTestId('endpoint-url').inputValue()).toBe(`${receiver.url}/admin`);
    expect(await edit.getByTestId('endpoint-event-refund.succeeded').isChecked()).toBe(true);
    await edit.getByTestId('endpoint-url').fill('ftp://example.com/hooks');
    await edit.getByTestId('endpoint-submit').click();
    await edit.getByTestId('endpoint-url-error').waitFor();
    expect(await edit.getByTestId('endpoint-url-error').textContent()).toMatch(/url/i);
    await edit.getByTestId('endpoint-url').fill(`${receiver.url}/admin`);
    await edit.getByTestId('endpoint-event-refund.succeeded').uncheck();
    await edit.getByTestId('endpoint-event-payment.failed').check();
    await edit.getByTestId('endpoint-event-settlement.paid').check();
    await snap(page, 'd7b-admin-endpoint-edit');
    await edit.getByTestId('endpoint-submit').click();
    await edit.waitFor({ state: 'detached' });
    await page.getByTestId('toast').filter({ hasText: 'saved' }).first().waitFor();
    const events = await row.locator('td').nth(1).textContent();
    expect(events).toContain('payment.failed');
    expect(events).toContain('settlement.paid');
    expect(events).not.toContain('refund.succeeded');
    expect(await page.getByTestId('one-time-secret').count()).toBe(0);
    const edited = await fetch(`${e2eEnv().baseUrl}/api/v1/webhook-endpoints/${endpoint.id}`, {
      headers: { Authorization: `Bearer ${apiKey.secret}` },
    });
    expect(((await edited.json()) as { events: string[] }).events.sort()).toEqual([
      'payment.failed',
      'settlement.paid',
    ]);

    await row.getByTestId('endpoint-disable').click();
    await page.getByTestId('confirm-accept').click();
    await row.getByTestId('endpoint-status').filter({ hasText: 'disabled by you' }).waitFor();
    await snap(page, 'd8-admin-endpoint-disabled');
    expect(page.url()).toContain(`merchantId=${merchant.id}`);

    const check = await fetch(`${e2eEnv().baseUrl}/api/v1/webhook-endpoints/${endpoint.id}`, {
      headers: { Authorization: `Bearer ${apiKey.secret}` },
    });
    expect(((await check.json()) as { status: string }).status).toBe('disabled');

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

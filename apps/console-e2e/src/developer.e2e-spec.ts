import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import {
  adminToken,
  apiGet,
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

/**
 * A merchant's webhook receiver on loopback (the e2e API allows private targets): records every request and
 * answers `statusFor` of it — by default 200 — given how many earlier requests carried the same webhook-id.
 */
async function startReceiver(
  statusFor: (request: Received, earlierWithSameId: number) => number = () => 200,
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Received = {
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const earlier = received.filter((r) => r.headers['webhook-id'] === entry.headers['webhook-id']).length;
      received.push(entry);
      const status = statusFor(entry, earlier);
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ received: status < 300, receiver: 'e2e' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hooks/lsp`, received };
}

/** Waits until `done` holds of the receiver's requests (deliveries arrive from the workers, asynchronously). */
async function receivedUntil(
  received: Received[],
  done: (requests: Received[]) => boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done(received) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!done(received)) {
    throw new Error(`the receiver's requests never met the condition: ${JSON.stringify(received.map((r) => r.path))}`);
  }
}

/** An endpoint made by the merchant's server, with the one-time secret the API returns on creation. */
async function createEndpoint(
  apiKeySecret: string,
  body: { url: string; events: string[] },
): Promise<{ id: string; secret: string }> {
  const response = await fetch(`${e2eEnv().baseUrl}/api/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKeySecret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; secret: string };
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

/**
 * On the event log tab: applies the filter until an event of `type` is listed (the workers create events from the
 * outbox after the change), then opens its deliveries until the one to `url` shows at least `attempts` attempts
 * (the first may still be in flight, retries come later). Returns that delivery.
 */
async function openDelivery(page: Page, type: string, url: string, attempts: number): Promise<Locator> {
  const eventRow = page.getByTestId('event-row').filter({ hasText: type }).first();
  const eventDeadline = Date.now() + 30_000;
  while ((await eventRow.count()) === 0 && Date.now() < eventDeadline) {
    await page.waitForTimeout(1000);
    await page.getByTestId('event-filter-apply').click();
    await page.locator('[data-testid="events-table"], [data-testid="state-empty"]').first().waitFor();
  }
  await eventRow.waitFor({ timeout: 5_000 });
  const delivery = page.getByTestId('delivery').filter({ hasText: url });
  const toggle = eventRow.getByTestId('event-deliveries');
  await toggle.click();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const shown = await delivery.waitFor({ timeout: 3000 }).then(
      () => true,
      () => false,
    );
    if (shown && (await delivery.getByTestId('attempt-row').count()) >= attempts) return delivery;
    // The button toggles: hide, then show again to reload the list.
    await toggle.click();
    await toggle.click();
    await page.waitForTimeout(500);
  }
  throw new Error(`the delivery to ${url} never showed ${attempts} attempt(s)`);
}

/** The signatures of a request's space-separated `webhook-signature` list that `secret` verifies, each alone. */
function signaturesVerifiedBy(secret: string, request: Received): string[] {
  const all = String(request.headers['webhook-signature']).split(' ');
  return all.filter((signature) => {
    try {
      new Webhook(secret).verify(request.body, {
        ...(request.headers as Record<string, string>),
        'webhook-signature': signature,
      });
      return true;
    } catch {
      return false;
    }
  });
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
    // A failed beforeAll leaves no receiver: resolve at once rather than hang the suite.
    await new Promise<void>((resolve) => (receiver ? receiver.server.close(() => resolve()) : resolve()));
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
    const delivery = await openDelivery(page, 'payment.created', receiver.url, 1);
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
    const endpoint = await createEndpoint(apiKey.secret, {
      url: `${receiver.url}/admin`,
      events: ['refund.succeeded'],
    });

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

  it('retries a receiver that fails 3 times: 4 deliveries with one webhook-id, all signed, and 4 attempts in the event log', async () => {
    const { merchant, apiKey, user } = await merchantWithUser();
    // 500 to the first three requests of a message, 200 to the fourth.
    const flaky = await startReceiver((_request, earlier) => (earlier < 3 ? 500 : 200));
    try {
      const endpoint = await createEndpoint(apiKey.secret, { url: flaky.url, events: ['payment.created'] });
      const payment = await createPayment(apiKey.secret, {
        amount: 25000,
        currency: 'INR',
        method: 'upi',
        description: `retries ${merchant.id}`,
      });
      const ofPayment = (requests: Received[]) => requests.filter((r) => r.body.includes(payment.id));
      // WEBHOOK_RETRY_SCHEDULE is 0,1s,1s,1s in the e2e stack (global-setup).
      await receivedUntil(flaky.received, (requests) => ofPayment(requests).length >= 4);

      const deliveries = ofPayment(flaky.received);
      expect(deliveries).toHaveLength(4);
      expect(new Set(deliveries.map((r) => r.headers['webhook-id'])).size).toBe(1);
      for (const request of deliveries) {
        // The public Standard Webhooks library verifies every attempt with the endpoint's secret.
        const verified = new Webhook(endpoint.secret).verify(
          request.body,
          request.headers as Record<string, string>,
        ) as { type: string; data: { object: { id: string } } };
        expect(verified.type).toBe('payment.created');
        expect(verified.data.object.id).toBe(payment.id);
      }

      const { context, page, pageErrors } = await openConsole(browser);
      await signIn(page, user.email, user.password);
      await openDeveloper(page, 'events');
      const delivery = await openDelivery(page, 'payment.created', flaky.url, 4);
      expect(await delivery.getByTestId('attempt-row').count()).toBe(4);
      const statuses = (await delivery.getByTestId('attempt-status').allTextContents()).map((t) => t.trim());
      expect(statuses).toEqual(['500', '500', '500', '200']);
      expect(await delivery.textContent()).toContain('4 attempt(s)');
      await snap(page, 'd9-delivery-four-attempts');

      // A fifth request never came: the 200 ended the schedule.
      expect(ofPayment(flaky.received)).toHaveLength(4);
      expect(pageErrors).toEqual([]);
      await context.close();
    } finally {
      await new Promise((resolve) => flaky.server.close(resolve));
    }
  });

  it('rotates an endpoint’s secret: the new secret is shown once, then deliveries carry both signatures', async () => {
    const { merchant, apiKey, user } = await merchantWithUser();
    const url = `${receiver.url}/rotate`;
    const endpoint = await createEndpoint(apiKey.secret, { url, events: ['payment.created'] });

    const { context, page, pageErrors } = await openConsole(browser);
    await signIn(page, user.email, user.password);
    await openDeveloper(page, 'webhooks');
    const row = page.locator(`[data-testid="endpoint-row"][data-endpoint-id="${endpoint.id}"]`);
    await row.waitFor();
    await row.getByTestId('endpoint-rotate').click();
    await page.getByTestId('confirm-dialog').filter({ hasText: '24 hours' }).waitFor();
    await page.getByTestId('confirm-accept').click();

    const panel = page.getByTestId('one-time-secret');
    await panel.waitFor();
    const newSecret = await panel.getByTestId('one-time-secret-value').inputValue();
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(endpoint.secret);
    expect(await panel.getByTestId('one-time-secret-warning').textContent()).toContain('24 hours');
    await row.getByTestId('endpoint-status').filter({ hasText: 'old secret signs until' }).waitFor();
    await snap(page, 'd10-endpoint-secret-rotated');

    // Shown once: gone when dismissed, and nowhere after a reload.
    await panel.getByTestId('one-time-secret-dismiss').click();
    await panel.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByTestId('developer-tab-webhooks').click();
    await row.waitFor();
    expect(await page.getByTestId('one-time-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(newSecret);

    // The API reports the rotation: the old secret's end 24 h on, and an audit record naming the user.
    const view = await apiGet<{ previousSecretExpiresAt: string | null }>(
      `/webhook-endpoints/${endpoint.id}`,
      apiKey.secret,
    );
    expect(JSON.stringify(view)).not.toContain(newSecret);
    const expiresInMs = Date.parse(view.previousSecretExpiresAt ?? '') - Date.now();
    expect(expiresInMs).toBeGreaterThan(23 * 3600_000);
    expect(expiresInMs).toBeLessThanOrEqual(24 * 3600_000);
    const audit = await apiGet<{ data: { action: string; actorEmail: string | null }[] }>(
      `/admin/audit-logs?action=webhook_endpoint.rotate_secret&objectId=${endpoint.id}`,
      token,
    );
    expect(audit.data).toEqual([expect.objectContaining({ actorEmail: user.email })]);
    expect(JSON.stringify(audit)).not.toContain(newSecret);
    expect(JSON.stringify(audit)).not.toContain(endpoint.secret);

    // A delivery after the rotation is signed twice: once with the new secret, once with the old.
    const payment = await createPayment(apiKey.secret, {
      amount: 15000,
      currency: 'INR',
      method: 'upi',
      description: `rotated ${merchant.id}`,
    });
    const ofPayment = (requests: Received[]) =>
      requests.filter((r) => r.path === '/hooks/lsp/rotate' && r.body.includes(payment.id));
    await receivedUntil(receiver.received, (requests) => ofPayment(requests).length >= 1);
    const [delivered] = ofPayment(receiver.received);
    const signatures = String(delivered.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    for (const signature of signatures) expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const byNew = signaturesVerifiedBy(newSecret, delivered);
    const byOld = signaturesVerifiedBy(endpoint.secret, delivered);
    expect(byNew).toHaveLength(1);
    expect(byOld).toHaveLength(1);
    expect(byNew[0]).not.toBe(byOld[0]);

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

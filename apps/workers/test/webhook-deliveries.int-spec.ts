import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { Database, recordEvent } from '@lsp/persistence';
import { eventually } from '@lsp/testing';
import { addJob, deliverWebhookJobId } from '@lsp/queues';
import { generateWebhookSecret } from '@lsp/webhooks';
import { createMerchant, outboxEvent } from './factories/outbox-event.factory';
import { createEndpoint } from './factories/webhook-endpoint.factory';
import { DeclaredQueues } from '../src/core/declared-queues';
import { bootWorkers, clearPrefix, testConfig } from './helpers';
import { webhookFanOutDone } from './webhook-fan-out';
import { WebhookReceiver } from './webhook-receiver';

interface AttemptRow {
  attempt_number: number;
  outcome: string;
  response_status: number | null;
  error_class: string | null;
  latency_ms: number;
  response_excerpt: string | null;
  webhook_timestamp: string;
}

describe('webhook deliveries (outbox → events → webhooks queue → a local receiver)', () => {
  const config = testConfig('webhooks', {
    WORKER_QUEUES: 'events,webhooks',
    WEBHOOK_RETRY_SCHEDULE: '0,200ms,200ms,200ms,200ms',
    WEBHOOK_TIMEOUT: '1s',
    WEBHOOK_ENDPOINT_CONCURRENCY: '2',
  });
  let app: INestApplicationContext;
  let db: Database;
  let owner: Client;
  let receiver: WebhookReceiver;
  let merchantId: string;

  beforeAll(async () => {
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    merchantId = await createMerchant(owner, 'Webhook Test Shop');
    receiver = await WebhookReceiver.start();
    app = await bootWorkers(config, { outboxRelay: { idleDelayMs: 50 } });
    db = app.get(Database);
  });

  afterAll(async () => {
    await app.close();
    await receiver.close();
    await owner.end();
    await clearPrefix(config);
  });

  async function emit(type = 'payment.captured'): Promise<string> {
    return db.merchant(merchantId, (em) => recordEvent(em, outboxEvent({ merchantId, type })));
  }

  async function attemptsOf(eventId: string, endpointId: string): Promise<AttemptRow[]> {
    const { rows } = await owner.query<AttemptRow>(
      `SELECT attempt_number, outcome, response_status, error_class, latency_ms, response_excerpt, webhook_timestamp
         FROM webhook_delivery_attempts WHERE event_id = $1 AND endpoint_id = $2 ORDER BY attempt_number`,
      [eventId, endpointId],
    );
    return rows;
  }

  async function delivery(eventId: string, endpointId: string): Promise<{ status: string; attempt_count: number }> {
    const { rows } = await owner.query(
      `SELECT status, attempt_count FROM webhook_deliveries WHERE event_id = $1 AND endpoint_id = $2`,
      [eventId, endpointId],
    );
    return rows[0];
  }

  async function endpointRow(
    id: string,
  ): Promise<{ status: string; disabled_reason: string | null; failing_since: Date | null }> {
    const { rows } = await owner.query(
      `SELECT status, disabled_reason, failing_since FROM webhook_endpoints WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  it('retries a receiver failing 3 times: 4 deliveries, one webhook-id, every signature valid, 4 attempts recorded', async () => {
    const endpoint = await createEndpoint(db, config, merchantId, `${receiver.url}/flaky`);
    receiver.respond((req, res) => {
      if (req.path !== '/flaky') return void res.end('ok');
      const n = receiver.forPath('/flaky').length;
      res.statusCode = n <= 3 ? 500 : 204;
      res.end(n <= 3 ? `failure ${n}` : undefined);
    });
    const eventId = await emit();

    const attempts = await eventually(async () => {
      const rows = await attemptsOf(eventId, endpoint.id);
      return rows.length >= 4 ? rows : undefined;
    });
    const requests = receiver.forPath('/flaky');
    expect(requests).toHaveLength(4);
    const verifier = new Webhook(endpoint.secret);
    for (const request of requests) {
      expect(request.headers['webhook-id']).toBe(eventId);
      expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      const verified = verifier.verify(request.body, request.headers) as {
        id: string;
        type: string;
        data: { object: unknown };
      };
      expect(verified).toMatchObject({
        id: eventId,
        type: 'payment.captured',
        data: { object: { object: 'payment' } },
      });
    }
    // The same bytes every time; only the timestamp (and so the signature) is per attempt.
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    expect(attempts.map((a) => [a.attempt_number, a.outcome, a.response_status, a.error_class])).toEqual([
      [1, 'failed', 500, 'http_error'],
      [2, 'failed', 500, 'http_error'],
      [3, 'failed', 500, 'http_error'],
      [4, 'succeeded', 204, null],
    ]);
    expect(attempts[0].response_excerpt).toBe('failure 1');
    expect(attempts.map((a) => Number(a.webhook_timestamp))).toEqual(
      requests.map((r) => Number(r.headers['webhook-timestamp'])),
    );
    expect(await delivery(eventId, endpoint.id)).toEqual({ status: 'succeeded', attempt_count: 4 });
    expect((await endpointRow(endpoint.id)).failing_since).toBeNull();
  });

  it('signs with both secrets while a rotation is in its grace period, and with the new one only after', async () => {
    const oldSecret = generateWebhookSecret();
    const rotating = await createEndpoint(db, config, merchantId, `${receiver.url}/rotating`, {
      previousSecret: oldSecret,
    });
    const rotated = await createEndpoint(db, config, merchantId, `${receiver.url}/rotated`, {
      previousSecret: oldSecret,
      previousExpiresAt: new Date(Date.now() - 1000),
    });
    receiver.respond((_req, res) => res.end('ok'));
    const eventId = await emit();
    await eventually(async () =>
      receiver.forPath('/rotating').some((r) => r.headers['webhook-id'] === eventId) &&
      receiver.forPath('/rotated').some((r) => r.headers['webhook-id'] === eventId)
        ? true
        : undefined,
    );
    const during = receiver.forPath('/rotating').find((r) => r.headers['webhook-id'] === eventId)!;
    expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(during.body, during.headers)).not.toThrow();
    expect(() => new Webhook(rotating.secret).verify(during.body, during.headers)).not.toThrow();

    const after = receiver.forPath('/rotated').find((r) => r.headers['webhook-id'] === eventId)!;
    expect(after.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(rotated.secret).verify(after.body, after.headers)).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(after.body, after.headers)).toThrow();
  });

  it('disables an endpoint answering 410 Gone, without retrying', async () => {
    const endpoint = await createEndpoint(db, config, merchantId, `${receiver.url}/gone`);
    receiver.respond((req, res) => {
      res.statusCode = req.path === '/gone' ? 410 : 200;
      res.end();
    });
    const eventId = await emit();
    await eventually(async () => ((await delivery(eventId, endpoint.id))?.status === 'failed' ? true : undefined));
    expect(await endpointRow(endpoint.id)).toMatchObject({ status: 'disabled', disabled_reason: 'gone' });
    expect((await attemptsOf(eventId, endpoint.id)).map((a) => a.response_status)).toEqual([410]);

    // A later event reaches it no more.
    const next = await emit();
    await eventually(async () => {
      const { rows } = await owner.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE event_id = $1`, [
        next,
      ]);
      return rows[0].n > 0 ? true : undefined;
    });
    expect(await delivery(next, endpoint.id)).toBeUndefined();
    expect(receiver.forPath('/gone')).toHaveLength(1);
  });

  it('disables an endpoint failing for 5 days and raises its alert; one success resets the clock instead', async () => {
    const sixDaysAgo = new Date(Date.now() - 6 * 86_400_000);
    const failing = await createEndpoint(db, config, merchantId, `${receiver.url}/down`, { failingSince: sixDaysAgo });
    const recovering = await createEndpoint(db, config, merchantId, `${receiver.url}/back`, {
      failingSince: sixDaysAgo,
    });
    receiver.respond((req, res) => {
      res.statusCode = req.path === '/down' ? 503 : 200;
      res.end();
    });
    const eventId = await emit();
    await eventually(async () => ((await endpointRow(failing.id)).status === 'disabled' ? true : undefined));
    expect(await endpointRow(failing.id)).toMatchObject({ disabled_reason: 'failing' });
    const { rows: alerts } = await owner.query(
      `SELECT severity, status, merchant_id FROM alerts WHERE fingerprint = $1`,
      [`webhook-endpoint-disabled:${failing.id}`],
    );
    expect(alerts).toEqual([{ severity: 'warning', status: 'open', merchant_id: merchantId }]);

    await eventually(async () => ((await delivery(eventId, recovering.id))?.status === 'succeeded' ? true : undefined));
    expect(await endpointRow(recovering.id)).toMatchObject({ status: 'enabled', failing_since: null });
  });

  it('gives a hanging receiver WEBHOOK_TIMEOUT, cuts a huge answer at 1 KB, and never follows a redirect', async () => {
    const hanging = await createEndpoint(db, config, merchantId, `${receiver.url}/hang`);
    const huge = await createEndpoint(db, config, merchantId, `${receiver.url}/huge`);
    const redirect = await createEndpoint(db, config, merchantId, `${receiver.url}/redirect`);
    receiver.respond((req, res) => {
      if (req.path === '/hang') return; // never answers
      if (req.path === '/huge') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        // An endless body: the sender must stop reading, not wait for the end.
        const chunk = 'x'.repeat(64 * 1024);
        const pump = (): void => {
          while (res.write(chunk)) {
            /* fill the socket buffer */
          }
          res.once('drain', pump);
        };
        return pump();
      }
      if (req.path === '/redirect') {
        res.writeHead(302, { location: `${receiver.url}/redirect-target` });
        return void res.end();
      }
      res.end('ok');
    });
    const eventId = await emit('payment.failed');

    const [hang] = await eventually(async () => {
      const rows = await attemptsOf(eventId, hanging.id);
      return rows.length >= 1 ? rows : undefined;
    });
    expect(hang).toMatchObject({ outcome: 'failed', error_class: 'timeout', response_status: null });
    expect(hang.latency_ms).toBeGreaterThanOrEqual(1000);
    expect(hang.latency_ms).toBeLessThan(3000);

    const [big] = await eventually(async () => {
      const rows = await attemptsOf(eventId, huge.id);
      return rows.length >= 1 ? rows : undefined;
    });
    expect(big).toMatchObject({ outcome: 'succeeded', response_status: 200 });
    expect(big.response_excerpt).toHaveLength(1024);

    const [moved] = await eventually(async () => {
      const rows = await attemptsOf(eventId, redirect.id);
      return rows.length >= 1 ? rows : undefined;
    });
    expect(moved).toMatchObject({ outcome: 'failed', response_status: 302, error_class: 'redirect' });
    expect(receiver.forPath('/redirect-target')).toHaveLength(0);
  });

  it('honours Retry-After on 429 over a shorter schedule delay', async () => {
    const endpoint = await createEndpoint(db, config, merchantId, `${receiver.url}/busy`);
    receiver.respond((req, res) => {
      if (req.path !== '/busy') return void res.end('ok');
      if (receiver.forPath('/busy').length === 1) {
        res.writeHead(429, { 'retry-after': '2' });
        return void res.end();
      }
      res.end('ok');
    });
    const eventId = await emit();
    await eventually(
      async () => ((await delivery(eventId, endpoint.id))?.status === 'succeeded' ? true : undefined),
      10_000,
    );
    const [first, second] = receiver.forPath('/busy');
    expect(second.at - first.at).toBeGreaterThanOrEqual(1900);
  });

  it('honours Retry-After on 503 over a shorter schedule delay', async () => {
    const endpoint = await createEndpoint(db, config, merchantId, `${receiver.url}/unavailable`);
    receiver.respond((req, res) => {
      if (req.path !== '/unavailable') return void res.end('ok');
      if (receiver.forPath('/unavailable').length === 1) {
        res.writeHead(503, { 'retry-after': '2' });
        return void res.end('maintenance');
      }
      res.end('ok');
    });
    const eventId = await emit();
    await eventually(
      async () => ((await delivery(eventId, endpoint.id))?.status === 'succeeded' ? true : undefined),
      10_000,
    );
    const [first, second] = receiver.forPath('/unavailable');
    // The schedule's next step is 200 ms: only the receiver's Retry-After explains a 2 s wait.
    expect(second.at - first.at).toBeGreaterThanOrEqual(1900);
    expect((await attemptsOf(eventId, endpoint.id)).map((a) => [a.response_status, a.error_class])).toEqual([
      [503, 'http_error'],
      [200, null],
    ]);
  });

  it('keeps at most WEBHOOK_ENDPOINT_CONCURRENCY deliveries in flight to one endpoint', async () => {
    const endpoint = await createEndpoint(db, config, merchantId, `${receiver.url}/slow`, {
      eventTypes: ['refund.succeeded'],
    });
    receiver.respond((req, res) => {
      if (req.path !== '/slow') return void res.end('ok');
      setTimeout(() => res.end('ok'), 150);
    });
    const events = await Promise.all(Array.from({ length: 8 }, () => emit('refund.succeeded')));
    await eventually(async () => {
      const { rows } = await owner.query(
        `SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'succeeded'`,
        [endpoint.id],
      );
      return rows[0].n === events.length ? true : undefined;
    }, 15_000);
    expect(receiver.maxInFlight.get('/slow')).toBeLessThanOrEqual(2);
    expect(receiver.maxInFlight.get('/slow')).toBeGreaterThanOrEqual(1);
    // Waiting for a slot is not an attempt: one attempt per delivery.
    const { rows } = await owner.query(
      `SELECT count(*)::int AS n FROM webhook_delivery_attempts WHERE endpoint_id = $1`,
      [endpoint.id],
    );
    expect(rows[0].n).toBe(events.length);
  });

  it('replays a delivery whose retries are spent with new attempts and the same webhook-id', async () => {
    const endpoint = await createEndpoint(db, config, merchantId, `${receiver.url}/replay`);
    let healthy = false;
    receiver.respond((req, res) => {
      res.statusCode = req.path === '/replay' && !healthy ? 500 : 200;
      res.end();
    });
    const eventId = await emit();
    // 5 attempts (the whole schedule), then the delivery is failed for good.
    await eventually(async () => ((await delivery(eventId, endpoint.id))?.status === 'failed' ? true : undefined));
    expect(await attemptsOf(eventId, endpoint.id)).toHaveLength(5);

    // What POST /api/v1/events/:id/redeliver does: back to pending, schedule from the start, attempt 6 now.
    healthy = true;
    const { rows } = await owner.query(
      `UPDATE webhook_deliveries SET status = 'pending', schedule_step = 0, next_attempt_at = now()
        WHERE event_id = $1 AND endpoint_id = $2 RETURNING id, attempt_count`,
      [eventId, endpoint.id],
    );
    await addJob(
      app.get(DeclaredQueues).get('webhooks'),
      'webhooks',
      'deliver-webhook',
      { merchantId, deliveryId: rows[0].id, attempt: rows[0].attempt_count + 1, deferrals: 0 },
      { jobId: deliverWebhookJobId(rows[0].id, rows[0].attempt_count + 1, 99) },
    );
    await eventually(async () => ((await delivery(eventId, endpoint.id))?.status === 'succeeded' ? true : undefined));
    const attempts = await attemptsOf(eventId, endpoint.id);
    expect(attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'succeeded']);
    const requests = receiver.forPath('/replay');
    expect(requests).toHaveLength(6);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
    expect(() => new Webhook(endpoint.secret).verify(requests[5].body, requests[5].headers)).not.toThrow();
  });

  it('records an attempt once even when its job runs twice (a re-run after a crash)', async () => {
    const endpoint = await createEndpoint(db, config, merchantId, `${receiver.url}/once`);
    receiver.respond((_req, res) => res.end('ok'));
    const eventId = await emit();
    await eventually(async () => ((await delivery(eventId, endpoint.id))?.status === 'succeeded' ? true : undefined));
    const { rows } = await owner.query(`SELECT id FROM webhook_deliveries WHERE event_id = $1 AND endpoint_id = $2`, [
      eventId,
      endpoint.id,
    ]);
    // Replaying attempt 1 finds the delivery past it and makes no request, no record.
    const { DeliverWebhookProcessor } = await import('../src/webhooks/deliver-webhook.processor');
    const processor = app.get(DeliverWebhookProcessor);
    await expect(
      processor.process({ merchantId, deliveryId: rows[0].id, attempt: 1, deferrals: 0 }, { id: 'replay' } as never),
    ).resolves.toEqual({ outcome: 'skipped' });
    expect(await attemptsOf(eventId, endpoint.id)).toHaveLength(1);
    expect(receiver.forPath('/once')).toHaveLength(1);
  });

  it('retries an attempt whose worker died mid-delivery once its lease lapses, recording it once', async () => {
    // Not subscribed to the event's type: the fan-out makes no delivery of its own beside the one set up here.
    const endpoint = await createEndpoint(db, config, merchantId, `${receiver.url}/crash`, {
      eventTypes: ['refund.failed'],
    });
    receiver.respond((_req, res) => res.end('ok'));
    // The delivery as a worker left it when it was killed after taking the lease of attempt 1 (and maybe posting).
    const eventId = await db.merchant(merchantId, (em) =>
      recordEvent(em, outboxEvent({ merchantId, type: 'payment.cancelled' })),
    );
    const { rows } = await owner.query(
      `INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, event_type, next_attempt_at, lease_until)
       VALUES ('whd_01JDQ3ZK7Y00000000000CRASH', $1, $2, $3, 'payment.cancelled', now(), now() + interval '1 second')
       RETURNING id`,
      [merchantId, eventId, endpoint.id],
    );
    const { DeliverWebhookProcessor } = await import('../src/webhooks/deliver-webhook.processor');
    const processor = app.get(DeliverWebhookProcessor);
    const job = { id: 'rerun' } as never;
    const payload = { merchantId, deliveryId: rows[0].id as string, attempt: 1, deferrals: 0 };
    // While the dead worker's lease holds, the re-run (BullMQ's stalled-job retry, or the sweep) leaves it alone.
    await expect(processor.process(payload, job)).resolves.toEqual({ outcome: 'skipped' });
    const result = await eventually(
      async () => {
        const r = await processor.process(payload, job);
        return r.outcome === 'skipped' ? undefined : r;
      },
      5000,
      200,
    );
    expect(result).toEqual({ outcome: 'succeeded', status: 200, nextAttempt: null });
    expect(await attemptsOf(eventId, endpoint.id)).toHaveLength(1);
    expect(await delivery(eventId, endpoint.id)).toEqual({ status: 'succeeded', attempt_count: 1 });
  });

  it('sweeps an overdue delivery whose lease lapsed and whose job is gone: delivered once, with one attempt', async () => {
    // Not subscribed to the event's type: the fan-out makes no delivery (and no job) of its own.
    const endpoint = await createEndpoint(db, config, merchantId, `${receiver.url}/lost`, {
      eventTypes: ['refund.failed'],
    });
    receiver.respond((_req, res) => res.end('ok'));
    const eventId = await db.merchant(merchantId, (em) =>
      recordEvent(em, outboxEvent({ merchantId, type: 'payment.cancelled' })),
    );
    // The event is through the fan-out (which would enqueue a first attempt still pending) before the row exists.
    await webhookFanOutDone(app, owner, { id: eventId, type: 'payment.cancelled' });
    // As a crash left it: attempt 1 due two minutes ago, a dead worker's lease lapsed a minute ago, no job queued.
    await owner.query(
      `INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, event_type, next_attempt_at, lease_until)
       VALUES ('whd_01JDQ3ZK7Y000000000000LOST', $1, $2, $3, 'payment.cancelled',
               now() - interval '2 minutes', now() - interval '1 minute')`,
      [merchantId, eventId, endpoint.id],
    );
    const { SweepWebhookDeliveriesProcessor } = await import('../src/webhooks/sweep-webhook-deliveries.processor');
    const sweep = app.get(SweepWebhookDeliveriesProcessor);
    // Two sweeps before the job runs (a scheduled one and a manual one, say): the second job finds the attempt
    // leased or made, and makes no second request.
    const first = await sweep.process({ trigger: 'manual' });
    await sweep.process({ trigger: 'manual' });
    expect(first.requeued).toBeGreaterThanOrEqual(1);

    await eventually(async () => ((await delivery(eventId, endpoint.id))?.status === 'succeeded' ? true : undefined));
    // Another sweep finds nothing of it to do; give any stray job time to run.
    await sweep.process({ trigger: 'manual' });
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.forPath('/lost')).toHaveLength(1);
    expect(receiver.forPath('/lost')[0].headers['webhook-id']).toBe(eventId);
    expect((await attemptsOf(eventId, endpoint.id)).map((a) => [a.attempt_number, a.outcome])).toEqual([
      [1, 'succeeded'],
    ]);
    expect(await delivery(eventId, endpoint.id)).toEqual({ status: 'succeeded', attempt_count: 1 });
  });
});

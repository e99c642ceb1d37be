import { Client } from 'pg';
import { newId } from '@lsp/domain';
import { Database, dataSourceFor, recordEvent, sql } from '@lsp/persistence';
import { type AttemptRecord, claimAttempts, recordAttempts } from '../src/webhooks/webhook-deliveries.repository';
import { createMerchant, outboxEvent } from './factories/outbox-event.factory';
import { createEndpoint } from './factories/webhook-endpoint.factory';
import { testConfig } from './helpers';

/*
 * The batched statements of a delivery attempt (one worker's concurrent jobs share them): each claim and record
 * of a batch must come out as if it had run alone.
 */
describe('webhook delivery batches (claims and records of several jobs in one statement)', () => {
  const config = testConfig('webhook-batches');
  const LEASE_MS = 60_000;
  const DISABLE_AFTER_MS = 5 * 86_400_000;
  let db: Database;
  let owner: Client;
  let merchantId: string;
  let otherMerchantId: string;

  beforeAll(async () => {
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    merchantId = await createMerchant(owner, 'Batch Shop');
    otherMerchantId = await createMerchant(owner, 'Batch Other Shop');
    const ds = dataSourceFor(config, 'app', 2);
    await ds.initialize();
    db = new Database(ds);
  });

  afterAll(async () => {
    await db.dataSource.destroy();
    await owner.end();
  });

  async function newDelivery(endpointId: string): Promise<{ id: string; eventId: string }> {
    const eventId = await db.merchant(merchantId, (em) =>
      recordEvent(em, outboxEvent({ merchantId, type: 'payment.captured' })),
    );
    const id = newId('webhookDelivery');
    await owner.query(
      `INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, event_type, next_attempt_at)
       VALUES ($1, $2, $3, $4, 'payment.captured', now())`,
      [id, merchantId, eventId, endpointId],
    );
    return { id, eventId };
  }

  function attempt(
    delivery: { id: string; eventId: string },
    endpointId: string,
    outcome: Partial<AttemptRecord> = {},
  ): AttemptRecord {
    return {
      attemptId: newId('webhookAttempt'),
      deliveryId: delivery.id,
      merchantId,
      endpointId,
      eventId: delivery.eventId,
      attempt: 1,
      url: 'https://hooks.example.com/batch',
      webhookTimestamp: Math.floor(Date.now() / 1000),
      ok: true,
      status: 200,
      latencyMs: 12,
      excerpt: 'ok',
      errorClass: null,
      nextAttemptAt: null,
      nextScheduleStep: 1,
      gone: false,
      ...outcome,
    };
  }

  const platform = <T>(work: Parameters<Database['platform']>[0]): Promise<T> => db.platform(work) as Promise<T>;

  it('claims each attempt once, only for the merchant the job names and only when it is the next one', async () => {
    const endpoint = await createEndpoint(db, config, merchantId, 'https://hooks.example.com/claims');
    const [a, b, c] = [await newDelivery(endpoint.id), await newDelivery(endpoint.id), await newDelivery(endpoint.id)];

    const claimed = await db.platform((em) =>
      claimAttempts(
        em,
        [
          { deliveryId: a.id, merchantId, attempt: 1 },
          // the same attempt again (a duplicate job in the same batch)
          { deliveryId: a.id, merchantId, attempt: 1 },
          // a job naming another merchant
          { deliveryId: b.id, merchantId: otherMerchantId, attempt: 1 },
          // a stale or early attempt number
          { deliveryId: c.id, merchantId, attempt: 2 },
          { deliveryId: b.id, merchantId, attempt: 1 },
        ],
        LEASE_MS,
      ),
    );
    expect(claimed.map((d) => d?.id)).toEqual([a.id, undefined, undefined, undefined, b.id]);
    expect(claimed[0]).toMatchObject({ endpoint_id: endpoint.id, event_id: a.eventId, event_type: 'payment.captured' });

    // Leased now: a second batch finds them taken, and c (never claimed) still free.
    const again = await db.platform((em) =>
      claimAttempts(
        em,
        [
          { deliveryId: a.id, merchantId, attempt: 1 },
          { deliveryId: c.id, merchantId, attempt: 1 },
        ],
        LEASE_MS,
      ),
    );
    expect(again.map((d) => d?.id)).toEqual([undefined, c.id]);
  });

  it('records a batch: deliveries moved on, a repeated attempt recorded once, a 410 disabling its endpoint', async () => {
    const healthy = await createEndpoint(db, config, merchantId, 'https://hooks.example.com/healthy');
    const gone = await createEndpoint(db, config, merchantId, 'https://hooks.example.com/gone');
    const ok = await newDelivery(healthy.id);
    const retry = await newDelivery(healthy.id);
    const lost = await newDelivery(gone.id);
    const nextAt = new Date(Date.now() + 5000);
    const okAttempt = attempt(ok, healthy.id);

    const outcomes = await platform<Awaited<ReturnType<typeof recordAttempts>>>((em) =>
      recordAttempts(
        em,
        [
          okAttempt,
          attempt(retry, healthy.id, {
            ok: false,
            status: 500,
            errorClass: 'http_error',
            excerpt: 'boom',
            nextAttemptAt: nextAt,
          }),
          { ...okAttempt, attemptId: newId('webhookAttempt') },
          attempt(lost, gone.id, { ok: false, status: 410, errorClass: 'http_error', excerpt: null, gone: true }),
        ],
        DISABLE_AFTER_MS,
      ),
    );
    expect(outcomes).toEqual([
      { recorded: true, disabled: false, disabledForFailing: false, failingSince: null },
      { recorded: true, disabled: false, disabledForFailing: false, failingSince: expect.any(Date) },
      { recorded: false },
      { recorded: true, disabled: true, disabledForFailing: false, failingSince: expect.any(Date) },
    ]);

    const { rows: deliveries } = await owner.query(
      `SELECT id, status, attempt_count, next_attempt_at, lease_until FROM webhook_deliveries WHERE id = ANY($1)`,
      [[ok.id, retry.id, lost.id]],
    );
    const byId = new Map(deliveries.map((d) => [d.id, d]));
    expect(byId.get(ok.id)).toMatchObject({ status: 'succeeded', attempt_count: 1, next_attempt_at: null });
    expect(byId.get(retry.id)).toMatchObject({ status: 'pending', attempt_count: 1, next_attempt_at: nextAt });
    expect(byId.get(lost.id)).toMatchObject({ status: 'failed', attempt_count: 1, next_attempt_at: null });
    const { rows: attempts } = await owner.query(
      `SELECT delivery_id, outcome, response_status, error_class, response_excerpt FROM webhook_delivery_attempts
        WHERE delivery_id = ANY($1) ORDER BY response_status`,
      [[ok.id, retry.id, lost.id]],
    );
    expect(attempts).toEqual([
      { delivery_id: ok.id, outcome: 'succeeded', response_status: 200, error_class: null, response_excerpt: 'ok' },
      {
        delivery_id: lost.id,
        outcome: 'failed',
        response_status: 410,
        error_class: 'http_error',
        response_excerpt: null,
      },
      {
        delivery_id: retry.id,
        outcome: 'failed',
        response_status: 500,
        error_class: 'http_error',
        response_excerpt: 'boom',
      },
    ]);
    const { rows: endpoints } = await owner.query(
      `SELECT id, status, disabled_reason, failing_since IS NOT NULL AS failing FROM webhook_endpoints
        WHERE id = ANY($1)`,
      [[healthy.id, gone.id]],
    );
    expect(new Map(endpoints.map((e) => [e.id, e]))).toEqual(
      new Map([
        [healthy.id, { id: healthy.id, status: 'enabled', disabled_reason: null, failing: true }],
        [gone.id, { id: gone.id, status: 'disabled', disabled_reason: 'gone', failing: true }],
      ]),
    );
  });

  it("moves an endpoint's health attempt by attempt in batch order, and heals one with only successes", async () => {
    const sixDaysAgo = new Date(Date.now() - 6 * 86_400_000);
    const hourAgo = new Date(Date.now() - 3600_000);
    // A success and then a failure in one batch: the old clock is reset, a new one starts (no 5-day disable).
    const flapping = await createEndpoint(db, config, merchantId, 'https://hooks.example.com/flapping', {
      failingSince: sixDaysAgo,
    });
    // Only successes: the set-based path clears the clock.
    const recovered = await createEndpoint(db, config, merchantId, 'https://hooks.example.com/recovered', {
      failingSince: hourAgo,
    });
    // Failing for 6 days and failing again: disabled for failing.
    const dead = await createEndpoint(db, config, merchantId, 'https://hooks.example.com/dead', {
      failingSince: sixDaysAgo,
    });
    const [f1, f2, r1, d1] = [
      await newDelivery(flapping.id),
      await newDelivery(flapping.id),
      await newDelivery(recovered.id),
      await newDelivery(dead.id),
    ];
    const failure = { ok: false, status: 503, errorClass: 'http_error', nextAttemptAt: new Date(Date.now() + 5000) };
    const started = Date.now();

    const outcomes = await platform<Awaited<ReturnType<typeof recordAttempts>>>((em) =>
      recordAttempts(
        em,
        [
          attempt(d1, dead.id, failure),
          attempt(f1, flapping.id),
          attempt(r1, recovered.id),
          attempt(f2, flapping.id, failure),
        ],
        DISABLE_AFTER_MS,
      ),
    );
    expect(outcomes.map((o) => o.recorded && [o.disabled, o.disabledForFailing])).toEqual([
      [true, true],
      [false, false],
      [false, false],
      [false, false],
    ]);

    const { rows } = await owner.query(
      `SELECT id, status, disabled_reason, failing_since FROM webhook_endpoints WHERE id = ANY($1)`,
      [[flapping.id, recovered.id, dead.id]],
    );
    const byId = new Map(rows.map((e) => [e.id, e]));
    expect(byId.get(flapping.id)).toMatchObject({ status: 'enabled', disabled_reason: null });
    expect(byId.get(flapping.id).failing_since.getTime()).toBeGreaterThanOrEqual(started - 5000);
    expect(byId.get(recovered.id)).toMatchObject({ status: 'enabled', failing_since: null });
    expect(byId.get(dead.id)).toMatchObject({
      status: 'disabled',
      disabled_reason: 'failing',
      failing_since: sixDaysAgo,
    });
  });

  it("refuses to record an attempt of a delivery under another merchant's name", async () => {
    const endpoint = await createEndpoint(db, config, merchantId, 'https://hooks.example.com/foreign');
    const delivery = await newDelivery(endpoint.id);
    await expect(
      db.platform((em) =>
        recordAttempts(em, [attempt(delivery, endpoint.id, { merchantId: otherMerchantId })], DISABLE_AFTER_MS),
      ),
    ).resolves.toEqual([{ recorded: false }]);
    const rows = await db.platform((em) =>
      sql(
        em,
        `SELECT status, attempt_count, (SELECT count(*)::int FROM webhook_delivery_attempts WHERE delivery_id = $1) AS attempts
           FROM webhook_deliveries WHERE id = $1`,
        [delivery.id],
      ),
    );
    expect(rows).toEqual([{ status: 'pending', attempt_count: 0, attempts: 0 }]);
  });
});

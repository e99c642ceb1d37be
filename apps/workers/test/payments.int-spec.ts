import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { type Job, Queue } from 'bullmq';
import { Client } from 'pg';
import { newId } from '@lsp/domain';
import { GatewayDirectory, PaymentProcessor, paymentsRepository, processorOptionsFrom } from '@lsp/payments';
import { Database, dataSourceFor } from '@lsp/persistence';
import { SecretBox, createLogger } from '@lsp/platform';
import { bullConnection, bullPrefix, reconcilePaymentJobId, retryPaymentJobId } from '@lsp/queues';
import { eventually } from '@lsp/testing';
import { DEFAULT_PAYMENT_WORKER_OPTIONS, type PaymentWorkerOptions } from '../src/payments/payment-worker-options';
import { PurgeIdempotencyKeysProcessor } from '../src/payments/purge-idempotency-keys.processor';
import { ReconcilePaymentProcessor, paymentOutcomeUnknownAlert } from '../src/payments/reconcile-payment.processor';
import { RecoverOrphanedPaymentsProcessor } from '../src/payments/recover-orphaned-payments.processor';
import { MonitorStalePaymentsProcessor } from '../src/payments/monitor-stale-payments.processor';
import { RetryPaymentProcessor } from '../src/payments/retry-payment.processor';
import { RetryTemporaryFailuresProcessor } from '../src/payments/retry-temporary-failures.processor';
import { createMerchant } from './factories/outbox-event.factory';
import { createRoutedPayment, insertIdempotencyKey } from './factories/payment.factory';
import { bootWorkers, clearPrefix, testConfig } from './helpers';

interface PaymentState {
  status: string;
  failure_code: string | null;
  gateway_code: string | null;
  retry_count: number;
  next_retry_at: Date | null;
  stale_check_at: Date | null;
  reconcile_attempts: number;
  needs_review: boolean;
}

interface AttemptState {
  n: number;
  gateway: string;
  status: string;
  created_at: Date;
}

interface AlertState {
  severity: string;
  status: string;
  occurrences: number;
  merchant_id: string | null;
  details: Record<string, unknown>;
}

const PRIMARY = 'sandbox-primary';
const SECONDARY = 'sandbox-secondary';

/*
 * Short delays so that three retry rounds and several status checks fit in a second or two: retries 100 ms and
 * 200 ms apart, status checks from 200 ms on, scans every 100 ms. Sandbox callbacks (captured retries) go to a
 * port that refuses them, so the stale monitor settles those payments by status query.
 */
const config = testConfig('payments', {
  RETRY_TEMPORARY_MAX: '2',
  RETRY_BASE_DELAY: '100ms',
  STALE_PAYMENT_AFTER: '200ms',
  PUBLIC_BASE_URL: 'http://127.0.0.1:9',
});
const logger = createLogger('payments-test', 'silent');

describe('payments queue', () => {
  let owner: Client;
  let db: Database;
  let directory: GatewayDirectory;
  let processor: PaymentProcessor;
  let merchantId: string;

  const payment = async (id: string): Promise<PaymentState> =>
    (await owner.query<PaymentState>(`SELECT * FROM payments WHERE id = $1`, [id])).rows[0];

  const attempts = async (id: string): Promise<AttemptState[]> =>
    (
      await owner.query<AttemptState>(
        `SELECT attempt_number AS n, gateway_code AS gateway, status, created_at
           FROM payment_attempts WHERE payment_id = $1 ORDER BY attempt_number`,
        [id],
      )
    ).rows;

  const eventTypes = async (id: string): Promise<string[]> =>
    (
      await owner.query<{ type: string }>(`SELECT type FROM outbox_events WHERE aggregate_id = $1 ORDER BY seq`, [id])
    ).rows.map((r) => r.type);

  const openAlerts = async (paymentId: string): Promise<AlertState[]> =>
    (
      await owner.query<AlertState>(
        `SELECT severity, status, occurrences, merchant_id, details FROM alerts
          WHERE fingerprint = $1 AND status <> 'resolved'`,
        [paymentOutcomeUnknownAlert(paymentId)],
      )
    ).rows;

  const settled = (id: string, status: string): Promise<PaymentState> =>
    eventually(async () => {
      const p = await payment(id);
      return p.status === status ? p : undefined;
    });

  const setGatewayConfig = (code: string, gatewayConfig: Record<string, unknown>): Promise<unknown> =>
    owner.query(`UPDATE gateways SET config = $2 WHERE code = $1`, [code, JSON.stringify(gatewayConfig)]);

  const route = (amount: number): Promise<string> => createRoutedPayment(db, processor, merchantId, amount);

  /** Leaves nothing due behind, so no later test (or another file's workers) acts on these payments. */
  const closeOpenPayments = (): Promise<unknown> =>
    owner.query(
      `UPDATE payments SET status = 'cancelled', next_retry_at = NULL, stale_check_at = NULL
        WHERE merchant_id = $1 AND status IN ('created', 'pending')`,
      [merchantId],
    );

  beforeAll(async () => {
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    db = new Database(dataSourceFor(config, 'app', 4));
    await db.dataSource.initialize();
    // No gateway cache: a config changed by a test is in force for the next call.
    directory = new GatewayDirectory(db, new SecretBox(config.encryptionKeys), 0);
    processor = new PaymentProcessor(db, directory, processorOptionsFrom(config), logger);
    merchantId = await createMerchant(owner, 'Payments Worker Test Shop');
  });

  afterEach(async () => {
    await setGatewayConfig(PRIMARY, {});
    await setGatewayConfig(SECONDARY, {});
  });

  afterAll(async () => {
    await closeOpenPayments();
    await db.dataSource.destroy();
    await owner.end();
  });

  /*
   * The processors run by hand, with no workers process around: a job delivered twice (BullMQ hands a stalled
   * job to another worker; two scans raced) and the leftovers of a worker killed mid-job.
   */
  describe('processors run by hand', () => {
    const options: PaymentWorkerOptions = { ...DEFAULT_PAYMENT_WORKER_OPTIONS, reviewAfterAttempts: 1, batchSize: 2 };
    let retry: RetryPaymentProcessor;
    let reconcile: ReconcilePaymentProcessor;
    let recover: RecoverOrphanedPaymentsProcessor;
    let purge: PurgeIdempotencyKeysProcessor;
    const job = (attemptsMade = 0): Job => ({ id: 'by-hand', attemptsMade }) as unknown as Job;

    const dueForRetry = (id: string): Promise<true> =>
      eventually(async () => {
        const p = await payment(id);
        return p.next_retry_at && p.next_retry_at.getTime() <= Date.now() ? true : undefined;
      });

    const dueForCheck = (id: string): Promise<true> =>
      eventually(async () => {
        const p = await payment(id);
        return p.stale_check_at && p.stale_check_at.getTime() <= Date.now() ? true : undefined;
      });

    /** What a worker leaves behind when it dies after claiming a retry, and after sending attempt N+1 or not. */
    async function crashAfterClaim(id: string, sentAttemptTo: string | null): Promise<void> {
      const gateway = sentAttemptTo ? await directory.byCode(sentAttemptTo) : undefined;
      await db.merchant(merchantId, async (em) => {
        const p = await paymentsRepository.findPayment(em, id, true);
        await paymentsRepository.updatePayment(em, id, { retry_count: (p?.retry_count ?? 0) + 1, next_retry_at: null });
        if (gateway) {
          await paymentsRepository.insertAttempt(em, {
            id: newId('attempt'),
            paymentId: id,
            merchantId,
            gatewayId: gateway.id,
            gatewayCode: gateway.code,
            routing: { reason: 'retry', candidates: [] },
          });
        }
      });
    }

    beforeAll(() => {
      retry = new RetryPaymentProcessor(processor, db, logger);
      reconcile = new ReconcilePaymentProcessor(processor, db, options, logger);
      recover = new RecoverOrphanedPaymentsProcessor(db, config, options, logger);
      purge = new PurgeIdempotencyKeysProcessor(db, options, logger);
    });

    afterAll(closeOpenPayments);

    it('enqueues each due retry and status check once however many scans race, page by page', async () => {
      const scanConfig = testConfig('payments-scans');
      const queue = new Queue('payments', {
        connection: bullConnection(scanConfig, 'test'),
        prefix: bullPrefix(scanConfig),
      });
      try {
        const retryScan = new RetryTemporaryFailuresProcessor(db, queue, options, logger);
        const monitor = new MonitorStalePaymentsProcessor(db, queue, options, logger);
        const refused = await Promise.all([40_055, 40_155, 40_255].map(route));
        const pending = await Promise.all([40_053, 40_153, 40_253].map(route));
        for (const id of refused) await dueForRetry(id);
        for (const id of pending) await dueForCheck(id);

        // Three due rows of each kind, pages of two: every scan reads two pages.
        await Promise.all([
          retryScan.process({ trigger: 'schedule' }),
          retryScan.process({ trigger: 'manual' }),
          monitor.process({ trigger: 'schedule' }),
          monitor.process({ trigger: 'manual' }),
        ]);
        await retryScan.process({ trigger: 'schedule' });

        const waiting = await queue.getJobs(['waiting']);
        const ids = (paymentIds: string[]) =>
          waiting
            .filter((j) => paymentIds.includes((j.data as { paymentId: string }).paymentId))
            .map((j) => j.id)
            .sort();
        expect(ids(refused)).toEqual(refused.map((id) => retryPaymentJobId(id, 0)).sort());
        expect(ids(pending)).toEqual(pending.map((id) => reconcilePaymentJobId(id, 0)).sort());
        expect(waiting.find((j) => j.id === retryPaymentJobId(refused[0], 0))?.data).toEqual({
          merchantId,
          paymentId: refused[0],
          retryCount: 0,
        });
      } finally {
        await closeOpenPayments();
        await queue.close();
        await clearPrefix(scanConfig);
      }
    });

    it('routes a payment once when its retry job runs twice at the same time, and not again when redelivered', async () => {
      const id = await route(10_055);
      await dueForRetry(id);
      const payload = { merchantId, paymentId: id, retryCount: 0 };

      const results = await Promise.all([retry.process(payload, job()), retry.process(payload, job())]);

      expect(results.filter((r) => r.retried)).toHaveLength(1);
      expect(results).toContainEqual({ retried: true, status: 'pending', attempts: 4, failureCode: null });
      expect(await payment(id)).toMatchObject({ status: 'pending', retry_count: 1 });
      // Redelivered after it finished, even once the next retry has fallen due: that retry is its own job's.
      await dueForRetry(id);
      expect(await retry.process(payload, job())).toEqual({ retried: false });
      expect((await attempts(id)).map((a) => a.n)).toEqual([1, 2, 3, 4]);
      expect(await payment(id)).toMatchObject({ status: 'pending', retry_count: 1 });
    });

    it('captures a stale payment once when its status check runs twice at the same time', async () => {
      const id = await route(10_053);
      await dueForCheck(id);
      const payload = { merchantId, paymentId: id, reconcileAttempts: 0 };

      const outcomes = await Promise.all([reconcile.process(payload, job()), reconcile.process(payload, job())]);

      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['captured', 'not_due']);
      expect(await reconcile.process(payload, job())).toEqual({ outcome: 'not_due' });
      expect(await payment(id)).toMatchObject({ status: 'captured', reconcile_attempts: 1, stale_check_at: null });
      expect(await eventTypes(id)).toEqual(['payment.captured']);
    });

    it('flags an unknown outcome with one alert, and raises it again when a retried job finds it missing', async () => {
      const id = await route(10_056);
      await setGatewayConfig(PRIMARY, { mode: 'down' });
      await dueForCheck(id);
      const payload = { merchantId, paymentId: id, reconcileAttempts: 0 };

      const outcomes = await Promise.all([reconcile.process(payload, job()), reconcile.process(payload, job())]);

      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['flagged', 'not_due']);
      expect(await payment(id)).toMatchObject({ status: 'pending', needs_review: true, reconcile_attempts: 1 });
      expect((await attempts(id)).map((a) => a.status)).toEqual(['unknown']);
      expect(await openAlerts(id)).toEqual([
        {
          severity: 'warning',
          status: 'open',
          occurrences: 1,
          merchant_id: merchantId,
          details: expect.objectContaining({ paymentId: id, merchantId, gateway: PRIMARY, reconcileAttempts: 1 }),
        },
      ]);

      // The first run flagged the payment but lost its alert (say the connection dropped); BullMQ retries the job.
      await owner.query(`DELETE FROM alerts WHERE fingerprint = $1`, [paymentOutcomeUnknownAlert(id)]);
      expect(await reconcile.process(payload, job(1))).toEqual({ outcome: 'not_due' });
      expect(await openAlerts(id)).toMatchObject([{ severity: 'warning', occurrences: 1 }]);
      expect(await payment(id)).toMatchObject({ status: 'pending', reconcile_attempts: 1 });
    });

    it('hands back payments whose worker died after claiming a retry, and leaves one in progress alone', async () => {
      // Died after sending attempt 3 (the gateway may have it): a status check, never another gateway.
      await setGatewayConfig(SECONDARY, { mode: 'down' });
      const sent = await route(10_052);
      await setGatewayConfig(SECONDARY, {});
      await crashAfterClaim(sent, PRIMARY);
      // Died before sending anything: routed again.
      const unsent = await route(10_055);
      await crashAfterClaim(unsent, null);
      // Claimed a moment ago: its worker may still be waiting on a gateway.
      const inProgress = await route(10_155);
      await crashAfterClaim(inProgress, null);
      await owner.query(`UPDATE payments SET updated_at = now() - interval '1 hour' WHERE id = ANY($1)`, [
        [sent, unsent],
      ]);

      expect(await recover.process({ trigger: 'manual' })).toEqual({ checked: 1, retried: 1 });
      expect(await recover.process({ trigger: 'manual' })).toEqual({ checked: 0, retried: 0 });

      expect(await payment(sent)).toMatchObject({ status: 'pending', next_retry_at: null, retry_count: 1 });
      expect((await payment(sent)).stale_check_at).not.toBeNull();
      expect(await reconcile.process({ merchantId, paymentId: sent, reconcileAttempts: 0 }, job())).toEqual({
        outcome: 'captured',
      });
      expect((await attempts(sent)).map((a) => [a.gateway, a.status])).toEqual([
        [PRIMARY, 'failed_retryable'],
        [SECONDARY, 'failed_retryable'],
        [PRIMARY, 'succeeded'],
      ]);

      expect(await payment(unsent)).toMatchObject({ status: 'pending', stale_check_at: null, retry_count: 1 });
      expect(await retry.process({ merchantId, paymentId: unsent, retryCount: 1 }, job())).toMatchObject({
        retried: true,
        attempts: 4,
      });

      expect(await payment(inProgress)).toMatchObject({ status: 'pending', next_retry_at: null, stale_check_at: null });
    });

    it('purges expired idempotency keys in batches and keeps live ones', async () => {
      const expired = ['exp-1', 'exp-2', 'exp-3', 'exp-4', 'exp-5'];
      for (const key of expired) await insertIdempotencyKey(owner, merchantId, key, -60_000);
      await insertIdempotencyKey(owner, merchantId, 'live-1', 60_000);
      await insertIdempotencyKey(owner, merchantId, 'live-2', 3_600_000);

      // Batches of two: 2 + 2 + 1.
      expect(await purge.process({ trigger: 'manual' })).toEqual({ deleted: 5 });
      expect(await purge.process({ trigger: 'manual' })).toEqual({ deleted: 0 });
      const { rows } = await owner.query<{ key: string }>(
        `SELECT key FROM idempotency_keys WHERE merchant_id = $1 ORDER BY key`,
        [merchantId],
      );
      expect(rows.map((r) => r.key)).toEqual(['live-1', 'live-2']);
      await owner.query(`DELETE FROM idempotency_keys WHERE merchant_id = $1`, [merchantId]);
    });
  });

  describe('with the workers running', () => {
    const workerOptions = { payments: { reviewAfterAttempts: 3, batchSize: 3, gatewayCacheMs: 0 } };
    let app: INestApplicationContext;
    let queue: Queue;

    beforeAll(async () => {
      // Expired before the workers start: the purge's first scheduled run (at scheduler creation) takes them.
      for (const key of ['sched-exp-1', 'sched-exp-2']) await insertIdempotencyKey(owner, merchantId, key, -1000);
      await insertIdempotencyKey(owner, merchantId, 'sched-live', 3_600_000);
      app = await bootWorkers(config, workerOptions);
      queue = app.get<Queue>(getQueueToken('payments'));
    });

    afterAll(async () => {
      // The relay publishes every event these payments recorded, so no later suite finds them in the outbox.
      await eventually(async () => {
        const { rows } = await owner.query(`SELECT 1 FROM outbox_events WHERE published_at IS NULL LIMIT 1`);
        return rows.length === 0 ? true : undefined;
      });
      await app.close();
      await clearPrefix(config);
    });

    it('installs the scans at intervals derived from the delays, and the hourly purge', async () => {
      const schedulers = await queue.getJobSchedulers();
      expect(Object.fromEntries(schedulers.map((s) => [s.key, s.every]))).toEqual({
        'retry-temporary-failures': 100,
        'monitor-stale-payments': 100,
        'recover-orphaned-payments': 1000,
        'purge-idempotency-keys': 3_600_000,
      });
    });

    it('purges expired idempotency keys on schedule', async () => {
      const keys = await eventually(async () => {
        const { rows } = await owner.query<{ key: string }>(
          `SELECT key FROM idempotency_keys WHERE merchant_id = $1 ORDER BY key`,
          [merchantId],
        );
        return rows.length === 1 ? rows.map((r) => r.key) : undefined;
      });
      expect(keys).toEqual(['sched-live']);
    });

    it('fails a payment every gateway refuses with all_gateways_unavailable once the retries are spent', async () => {
      const id = await route(20_055);
      expect((await payment(id)).status).toBe('pending');

      const failed = await settled(id, 'failed');

      expect(failed).toMatchObject({ failure_code: 'all_gateways_unavailable', retry_count: 2, next_retry_at: null });
      const tried = await attempts(id);
      // RETRY_TEMPORARY_MAX = 2: the first routing and two retries, each trying both gateways in priority order.
      expect(tried.map((a) => [a.n, a.gateway, a.status])).toEqual([
        [1, PRIMARY, 'failed_retryable'],
        [2, SECONDARY, 'failed_retryable'],
        [3, PRIMARY, 'failed_retryable'],
        [4, SECONDARY, 'failed_retryable'],
        [5, PRIMARY, 'failed_retryable'],
        [6, SECONDARY, 'failed_retryable'],
      ]);
      // Exponential backoff: RETRY_BASE_DELAY (100 ms), then twice that, between the rounds.
      expect(tried[2].created_at.getTime() - tried[1].created_at.getTime()).toBeGreaterThanOrEqual(99);
      expect(tried[4].created_at.getTime() - tried[3].created_at.getTime()).toBeGreaterThanOrEqual(199);
      expect(await eventTypes(id)).toEqual(['payment.failed']);
    });

    it('retries a payment both gateways refused and captures it once the gateway that took it confirms', async () => {
      // Amount ending 52: the payment's first attempt is refused; the secondary is down for the first routing.
      await setGatewayConfig(SECONDARY, { mode: 'down' });
      const id = await route(20_052);
      await setGatewayConfig(SECONDARY, {});
      expect((await payment(id)).status).toBe('pending');

      const captured = await settled(id, 'captured');

      // The retry left it pending at the primary (its callback goes nowhere); the stale monitor asked and captured.
      expect(captured).toMatchObject({ gateway_code: PRIMARY, retry_count: 1, reconcile_attempts: 1 });
      expect((await attempts(id)).map((a) => [a.gateway, a.status])).toEqual([
        [PRIMARY, 'failed_retryable'],
        [SECONDARY, 'failed_retryable'],
        [PRIMARY, 'succeeded'],
      ]);
      expect(await eventTypes(id)).toEqual(['payment.captured']);
    });

    it('captures a payment left pending without a callback by asking the gateway', async () => {
      const id = await route(20_053);
      expect((await attempts(id)).map((a) => [a.gateway, a.status])).toEqual([[PRIMARY, 'pending']]);

      const captured = await settled(id, 'captured');

      expect(captured).toMatchObject({ reconcile_attempts: 1, stale_check_at: null, needs_review: false });
      expect((await attempts(id)).map((a) => [a.gateway, a.status])).toEqual([[PRIMARY, 'succeeded']]);
      expect(await eventTypes(id)).toEqual(['payment.captured']);
    });

    it('captures a payment whose create call timed out after acceptance, never trying a second gateway', async () => {
      const id = await route(20_056);
      expect((await attempts(id)).map((a) => [a.gateway, a.status])).toEqual([[PRIMARY, 'unknown']]);

      const captured = await settled(id, 'captured');

      expect(captured).toMatchObject({ gateway_code: PRIMARY, reconcile_attempts: 1, retry_count: 0 });
      expect((await attempts(id)).map((a) => [a.gateway, a.status])).toEqual([[PRIMARY, 'succeeded']]);
      expect(await eventTypes(id)).toEqual(['payment.captured']);
    });

    it('flags an outcome that stays unknown for review with an alert, never fails it, and settles it later', async () => {
      const id = await route(20_156);
      // The gateway stops answering status queries: every check finds the outcome still unknown.
      await setGatewayConfig(PRIMARY, { mode: 'down' });

      const flagged = await eventually(async () => {
        const p = await payment(id);
        return p.needs_review ? p : undefined;
      });

      expect(flagged).toMatchObject({ status: 'pending', reconcile_attempts: 3, failure_code: null });
      expect((await attempts(id)).map((a) => [a.gateway, a.status])).toEqual([[PRIMARY, 'unknown']]);
      // The alert follows the flag in its own transaction.
      const alerts = await eventually(async () => {
        const open = await openAlerts(id);
        return open.length > 0 ? open : undefined;
      });
      expect(alerts).toEqual([
        {
          severity: 'warning',
          status: 'open',
          occurrences: 1,
          merchant_id: merchantId,
          details: expect.objectContaining({ paymentId: id, merchantId, reconcileAttempts: 3 }),
        },
      ]);

      // Checks go on (backing off); once the gateway answers again the payment is captured and the alert closed.
      await setGatewayConfig(PRIMARY, {});
      const captured = await settled(id, 'captured');
      expect(captured.reconcile_attempts).toBeGreaterThanOrEqual(4);
      await eventually(async () => ((await openAlerts(id)).length === 0 ? true : undefined));
      expect(await eventTypes(id)).toEqual(['payment.captured']);
    });

    it('lets two workers processes share the scans without a duplicate attempt, retry or capture', async () => {
      const second = await bootWorkers(config, workerOptions);
      try {
        // More due payments than a scan page (3), of each kind.
        const refused = await Promise.all([30_055, 30_155, 30_255, 30_355].map(route));
        const pending = await Promise.all([30_053, 30_153, 30_253, 30_056, 30_156].map(route));

        for (const id of refused) {
          expect(await settled(id, 'failed')).toMatchObject({
            failure_code: 'all_gateways_unavailable',
            retry_count: 2,
          });
        }
        for (const id of pending) expect(await settled(id, 'captured')).toMatchObject({ reconcile_attempts: 1 });

        for (const id of refused) {
          expect((await attempts(id)).map((a) => [a.n, a.gateway])).toEqual([
            [1, PRIMARY],
            [2, SECONDARY],
            [3, PRIMARY],
            [4, SECONDARY],
            [5, PRIMARY],
            [6, SECONDARY],
          ]);
          expect(await eventTypes(id)).toEqual(['payment.failed']);
        }
        for (const id of pending) {
          expect((await attempts(id)).map((a) => [a.n, a.gateway, a.status])).toEqual([[1, PRIMARY, 'succeeded']]);
          expect(await eventTypes(id)).toEqual(['payment.captured']);
        }
      } finally {
        await second.close();
      }
    });
  });
});

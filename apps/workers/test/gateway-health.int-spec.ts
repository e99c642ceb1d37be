import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import type { GatewayHealthChange } from '@lsp/contracts';
import { newId } from '@lsp/domain';
import { GatewayDirectory, RedisGatewayCircuit } from '@lsp/payments';
import { Database, dataSourceFor, prepareDatabase } from '@lsp/persistence';
import { SecretBox, createLogger } from '@lsp/platform';
import { type StreamMessage, streamBufferKey } from '@lsp/queues';
import { eventually } from '@lsp/testing';
import { CollectGatewayHealthProcessor, gatewayDownAlert } from '../src/gateways/collect-gateway-health.processor';
import {
  REENCRYPT_BATCH_SIZE,
  ReencryptGatewaySecretsProcessor,
} from '../src/gateways/reencrypt-gateway-secrets.processor';
import { createMerchant } from './factories/outbox-event.factory';
import { bootWorkers, clearPrefix, plainRedis, testConfig } from './helpers';

const OWNER_URL = process.env['TEST_DATABASE_OWNER_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// A database of its own: the suite marks the seeded gateways down, which other suites route through.
const dbUrl = new URL(process.env['DATABASE_URL'] ?? '');
dbUrl.pathname = `${dbUrl.pathname}_gwh`;
const config = testConfig('gateway-health', {
  DATABASE_URL: dbUrl.toString(),
  WORKER_QUEUES: 'gateways',
  // Only the scheduler's first run happens by itself; the test runs the collector by hand after that.
  GATEWAY_HEALTH_INTERVAL: '1h',
  GATEWAY_HEALTH_WINDOW: '5m',
});
const logger = createLogger('gateway-health-test', 'silent');

interface SampleRow {
  status: string;
  success_rate: number | null;
  attempts: number;
  failures: number;
  error_classes: Record<string, number>;
  probe_ok: boolean;
  probe_error: string | null;
}

describe('gateway health collector and secret re-encryption (gateways queue)', () => {
  let owner: Client;
  let app: INestApplicationContext;
  let collector: CollectGatewayHealthProcessor;
  let redis: ReturnType<typeof plainRedis>;
  let merchantId: string;
  let primaryId: string;
  let secondaryId: string;

  beforeAll(async () => {
    await prepareDatabase(config, createLogger('gateway-health-setup', 'warn'));
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    redis = plainRedis(config);
    merchantId = await createMerchant(owner, 'Gateway Health Shop');
    const ids = await owner.query<{ id: string; code: string }>(`SELECT id, code FROM gateways`);
    primaryId = ids.rows.find((r) => r.code === 'sandbox-primary')?.id as string;
    secondaryId = ids.rows.find((r) => r.code === 'sandbox-secondary')?.id as string;
    // A long gateway cache: only an invalidation message can refresh it within a test.
    app = await bootWorkers(config, { outboxRelay: false, payments: { gatewayCacheMs: 600_000 } });
    collector = app.get(CollectGatewayHealthProcessor);
    // The scheduler's first tick ran at boot; wait for it so the test's ticks are the only ones from here on.
    await eventuallySampled();
  });

  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await owner?.end();
    await clearPrefix(config);
    const root = new Client({ connectionString: OWNER_URL });
    await root.connect();
    await root.query(`DROP DATABASE IF EXISTS "${dbUrl.pathname.slice(1)}" WITH (FORCE)`);
    await root.end();
  });

  async function eventuallySampled(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const n = await owner.query(`SELECT 1 FROM gateway_health_samples LIMIT 1`);
      if (n.rowCount) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the scheduled collector run never happened');
  }

  /** `n` attempts at a gateway, `ageSeconds` old, all with one status (and error code for failures). */
  async function attempts(gatewayId: string, n: number, status: string, ageSeconds = 10): Promise<void> {
    for (let i = 0; i < n; i++) {
      const paymentId = newId('payment');
      await owner.query(
        `INSERT INTO payments (id, merchant_id, amount, currency, method, status) VALUES ($1, $2, 1000, 'INR', 'upi', 'failed')`,
        [paymentId, merchantId],
      );
      const failed = status === 'failed_retryable' || status === 'unknown';
      await owner.query(
        `INSERT INTO payment_attempts (id, payment_id, merchant_id, attempt_number, gateway_id, gateway_code, status,
                                       error_code, latency_ms, created_at)
         SELECT $1, $2, $3, 1, id, code, $5, $6, $7, now() - make_interval(secs => $8) FROM gateways WHERE id = $4`,
        [
          newId('attempt'),
          paymentId,
          merchantId,
          gatewayId,
          status,
          failed ? (status === 'unknown' ? 'timeout' : 'gateway_unavailable') : null,
          40 + i,
          ageSeconds,
        ],
      );
    }
  }

  const lastSample = async (gatewayId: string): Promise<SampleRow> =>
    (
      await owner.query<SampleRow>(
        `SELECT status, success_rate, attempts, failures, error_classes, probe_ok, probe_error
           FROM gateway_health_samples WHERE gateway_id = $1 ORDER BY id DESC LIMIT 1`,
        [gatewayId],
      )
    ).rows[0];

  const gatewayRow = async (id: string) =>
    (
      await owner.query(
        `SELECT health_status, health_checked_at, health_success_rate, health_attempts FROM gateways WHERE id = $1`,
        [id],
      )
    ).rows[0];

  const alert = async (gatewayId: string) =>
    (
      await owner.query(
        `SELECT severity, status, occurrences, details FROM alerts WHERE fingerprint = $1 ORDER BY first_seen_at DESC LIMIT 1`,
        [gatewayDownAlert(gatewayId)],
      )
    ).rows[0];

  const healthMessages = async (): Promise<StreamMessage<GatewayHealthChange>[]> =>
    (await redis.xrange(streamBufferKey(config, 'gateway-health'), '-', '+')).map(
      ([, fields]) => JSON.parse(fields[1]) as StreamMessage<GatewayHealthChange>,
    );

  const setConfig = (id: string, gatewayConfig: Record<string, unknown>) =>
    owner.query(`UPDATE gateways SET config = $2 WHERE id = $1`, [id, JSON.stringify(gatewayConfig)]);

  it('marks a failing gateway down: sample, gateway row, critical alert, stream message, open circuit', async () => {
    expect(await healthMessages()).toEqual([]);
    await attempts(primaryId, 8, 'failed_retryable');
    await attempts(primaryId, 2, 'unknown');
    await attempts(primaryId, 2, 'failed_permanent');
    // An attempt older than the window says nothing about the gateway now.
    await attempts(primaryId, 5, 'succeeded', 600);
    await attempts(secondaryId, 6, 'succeeded');
    await setConfig(primaryId, { mode: 'down' });

    const results = await collector.process({ trigger: 'manual' });
    expect(results.find((r) => r.gatewayId === primaryId)).toMatchObject({ status: 'down', previousStatus: 'healthy' });
    expect(await lastSample(primaryId)).toEqual({
      status: 'down',
      success_rate: 0.1667,
      attempts: 12,
      failures: 10,
      error_classes: { gateway_unavailable: 8, timeout: 2 },
      probe_ok: false,
      probe_error: 'gateway_unavailable',
    });
    expect(await gatewayRow(primaryId)).toMatchObject({
      health_status: 'down',
      health_success_rate: 0.1667,
      health_attempts: 12,
    });
    expect((await gatewayRow(primaryId)).health_checked_at).toBeInstanceOf(Date);
    expect(await lastSample(secondaryId)).toMatchObject({
      status: 'healthy',
      attempts: 6,
      failures: 0,
      probe_ok: true,
    });
    expect(await alert(primaryId)).toMatchObject({ severity: 'critical', status: 'open', occurrences: 1 });
    expect(await alert(secondaryId)).toBeUndefined();

    const messages = await healthMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      stream: 'gateway-health',
      type: 'gateway.health',
      merchantId: null,
      data: {
        gatewayId: primaryId,
        code: 'sandbox-primary',
        status: 'down',
        previousStatus: 'healthy',
        circuit: 'open',
        successRate: 0.1667,
        attempts: 12,
      },
    });
    const circuit = app.get(RedisGatewayCircuit);
    expect((await circuit.phases([primaryId, secondaryId])).get(primaryId)).toBe('open');
    expect((await circuit.phases([secondaryId])).get(secondaryId)).toBe('closed');
  });

  it('announces only changes: a gateway that stays down bumps its alert, publishes nothing', async () => {
    await collector.process({ trigger: 'manual' });
    expect(await healthMessages()).toHaveLength(1);
    expect(await alert(primaryId)).toMatchObject({ status: 'open', occurrences: 2 });
    const samples = await owner.query(`SELECT count(*)::int AS n FROM gateway_health_samples WHERE gateway_id = $1`, [
      primaryId,
    ]);
    // The scheduler's run at boot and the test's two.
    expect(samples.rows[0].n).toBe(3);
  });

  it('resolves the alert on recovery, degraded while the window still holds failures, then healthy', async () => {
    await setConfig(primaryId, {});
    await collector.process({ trigger: 'manual' });
    expect(await lastSample(primaryId)).toMatchObject({ status: 'degraded', probe_ok: true, probe_error: null });
    expect(await alert(primaryId)).toMatchObject({ status: 'resolved' });
    // The failures age out of the window.
    await owner.query(`UPDATE payment_attempts SET created_at = now() - interval '1 hour' WHERE gateway_id = $1`, [
      primaryId,
    ]);
    await attempts(primaryId, 5, 'pending');
    await collector.process({ trigger: 'manual' });
    expect(await lastSample(primaryId)).toMatchObject({ status: 'healthy', attempts: 5, failures: 0 });
    expect((await healthMessages()).map((m) => [m.data.previousStatus, m.data.status])).toEqual([
      ['healthy', 'down'],
      ['down', 'degraded'],
      ['degraded', 'healthy'],
    ]);
  });

  it('skips disabled gateways', async () => {
    await owner.query(`UPDATE gateways SET enabled = false WHERE id = $1`, [secondaryId]);
    try {
      const results = await collector.process({ trigger: 'manual' });
      expect(results.map((r) => r.gatewayId)).toEqual([primaryId]);
    } finally {
      await owner.query(`UPDATE gateways SET enabled = true WHERE id = $1`, [secondaryId]);
    }
  });

  it('drops the workers gateway cache when another process announces a gateway change', async () => {
    const directory = app.get(GatewayDirectory);
    expect((await directory.byId(secondaryId))?.name).toBe('Sandbox (secondary)');
    await owner.query(`UPDATE gateways SET name = 'Renamed by the API' WHERE id = $1`, [secondaryId]);
    // Still cached ...
    expect((await directory.byId(secondaryId))?.name).toBe('Sandbox (secondary)');
    // ... until the API's invalidation message arrives.
    await redis.publish(`${config.redisPrefix}:invalidate:gateways`, 'changed');
    await eventually(async () =>
      (await directory.byId(secondaryId))?.name === 'Renamed by the API' ? true : undefined,
    );
  });

  describe('re-encryption after a key rotation', () => {
    const v2 = `v2:${randomBytes(32).toString('base64')}`;
    const rotated = testConfig('gateway-reencrypt', {
      DATABASE_URL: dbUrl.toString(),
      ENCRYPTION_KEYS: `${process.env['ENCRYPTION_KEYS']},${v2}`,
    });
    let db: Database;

    beforeAll(async () => {
      db = new Database(dataSourceFor(rotated, 'app', 2));
      await db.dataSource.initialize();
    });

    afterAll(async () => {
      await db?.dataSource.destroy();
    });

    it('moves every secret sealed under an old key to the newest one, in batches, content unchanged', async () => {
      const oldBox = new SecretBox(config.encryptionKeys);
      const count = REENCRYPT_BATCH_SIZE + 20;
      const plaintexts = new Map<string, string>();
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (let i = 0; i < count; i++) {
        const id = newId('gateway');
        const plain = JSON.stringify({
          credentials: { keySecret: `s-${i}-${randomBytes(6).toString('hex')}` },
          webhookSecret: 'w',
        });
        plaintexts.set(id, plain);
        const b = values.length;
        tuples.push(`($${b + 1}, $${b + 2}, 'Old key', 'sandbox', 50000, false, '{INR}', '{upi}', $${b + 3})`);
        values.push(id, `old-key-${i}`, oldBox.seal(plain));
      }
      await owner.query(
        `INSERT INTO gateways (id, code, name, provider, priority, enabled, currencies, methods, secrets_encrypted)
         VALUES ${tuples.join(', ')}`,
        values,
      );
      // One row under a key nobody has any more: reported and left alone, never a loop or a crash.
      const lostId = newId('gateway');
      await owner.query(
        `INSERT INTO gateways (id, code, name, provider, priority, enabled, currencies, methods, secrets_encrypted)
         VALUES ($1, 'lost-key', 'Lost key', 'sandbox', 50001, false, '{INR}', '{upi}', 'v0:aaaa:bbbb:cccc')`,
        [lostId],
      );

      const processor = new ReencryptGatewaySecretsProcessor(db, rotated, logger);
      const result = await processor.process({ trigger: 'manual', requestedBy: 'usr_test' });
      // The rotated-in rows plus the two seeded gateways.
      expect(result).toEqual({ keyVersion: 'v2', reencrypted: count + 2, unreadable: [lostId] });

      const rows = await owner.query<{ id: string; secrets_encrypted: string }>(
        `SELECT id, secrets_encrypted FROM gateways WHERE id <> $1`,
        [lostId],
      );
      const newBox = new SecretBox(rotated.encryptionKeys);
      const v2Only = new SecretBox(rotated.encryptionKeys.slice(-1));
      for (const row of rows.rows) {
        expect(SecretBox.versionOf(row.secrets_encrypted)).toBe('v2');
        // Opens without the old key: v1 can be retired.
        const opened = v2Only.open(row.secrets_encrypted);
        expect(newBox.open(row.secrets_encrypted)).toBe(opened);
        if (plaintexts.has(row.id)) expect(opened).toBe(plaintexts.get(row.id));
      }
      expect(
        (await owner.query(`SELECT secrets_encrypted FROM gateways WHERE id = $1`, [lostId])).rows[0].secrets_encrypted,
      ).toBe('v0:aaaa:bbbb:cccc');

      // A second run finds nothing to do.
      expect(await processor.process({ trigger: 'schedule' })).toEqual({
        keyVersion: 'v2',
        reencrypted: 0,
        unreadable: [lostId],
      });
    });
  });
});

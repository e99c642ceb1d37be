import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { newId } from '@lsp/domain';
import { PhonePeSimulator, RazorpaySimulator, phonePeWebhookAuthorization } from '@lsp/gateways';
import { prepareDatabase } from '@lsp/persistence';
import { SecretBox, createLogger } from '@lsp/platform';
import { CollectGatewayHealthProcessor } from '../src/gateways/collect-gateway-health.processor';
import { bootWorkers, clearPrefix, testConfig } from './helpers';

const OWNER_URL = process.env['TEST_DATABASE_OWNER_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbUrl = new URL(process.env['DATABASE_URL'] ?? '');
dbUrl.pathname = `${dbUrl.pathname}_gwleaks`;
const v2 = `v2:${randomBytes(32).toString('base64')}`;
// Rotated keys: the re-encryption job scheduled at boot has every gateway to move from v1 to v2.
const config = testConfig('gateway-leaks', {
  DATABASE_URL: dbUrl.toString(),
  WORKER_QUEUES: 'gateways',
  GATEWAY_HEALTH_INTERVAL: '1h',
  ENCRYPTION_KEYS: `${process.env['ENCRYPTION_KEYS']},${v2}`,
  LOG_LEVEL: 'trace',
});

/**
 * Issue 4, "no credential appears in a log line", for the worker side: the gateway health collector probes every
 * gateway with its credentials (good ones and refused ones) and the re-encryption job opens and re-seals every
 * secret. Both run through the real queue at boot, and the collector once more by hand, with the workers logging
 * at `trace` into a buffer that is then searched for every secret.
 */
describe('gateway secrets never reach the workers logs', () => {
  const secrets = {
    razorpayKeySecret: `rzpKeySecret${randomBytes(12).toString('hex')}`,
    razorpayWebhookSecret: `rzpWebhook${randomBytes(12).toString('hex')}`,
    razorpayRefusedSecret: `rzpRefused${randomBytes(12).toString('hex')}`,
    phonepeClientSecret: `ppClientSecret${randomBytes(12).toString('hex')}`,
    phonepeWebhookPassword: `ppHookPass${randomBytes(12).toString('hex')}`,
    phonepeRefusedSecret: `ppRefused${randomBytes(12).toString('hex')}`,
  };
  const lines: string[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const razorpay = new RazorpaySimulator({
    keySecret: secrets.razorpayKeySecret,
    webhookSecret: secrets.razorpayWebhookSecret,
  });
  const phonepe = new PhonePeSimulator({
    clientId: 'LSPLEAKS',
    clientSecret: secrets.phonepeClientSecret,
    webhookUsername: 'lsp_leaks',
    webhookPassword: secrets.phonepeWebhookPassword,
  });
  const ids: Record<string, string> = {};
  let owner: Client;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    await prepareDatabase(config, createLogger('gateway-leaks-setup', 'warn'));
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    const [razorpayUrl, phonepeUrl] = await Promise.all([razorpay.start(), phonepe.start()]);
    // Sealed under the old key only, as rows written before the rotation are.
    const oldBox = new SecretBox(config.encryptionKeys.slice(0, -1));
    const gateways = [
      {
        code: 'rzp-leaks',
        provider: 'razorpay',
        config: { baseUrl: razorpayUrl },
        credentials: { keyId: razorpay.keyId, keySecret: secrets.razorpayKeySecret },
        webhookSecret: secrets.razorpayWebhookSecret,
      },
      {
        code: 'rzp-leaks-refused',
        provider: 'razorpay',
        config: { baseUrl: razorpayUrl },
        credentials: { keyId: razorpay.keyId, keySecret: secrets.razorpayRefusedSecret },
        webhookSecret: secrets.razorpayWebhookSecret,
      },
      {
        code: 'pp-leaks',
        provider: 'phonepe',
        config: { baseUrl: phonepeUrl },
        credentials: { clientId: 'LSPLEAKS', clientSecret: secrets.phonepeClientSecret, clientVersion: '1' },
        webhookSecret: `lsp_leaks:${secrets.phonepeWebhookPassword}`,
      },
      {
        code: 'pp-leaks-refused',
        provider: 'phonepe',
        config: { baseUrl: phonepeUrl },
        credentials: { clientId: 'LSPLEAKS', clientSecret: secrets.phonepeRefusedSecret, clientVersion: '1' },
        webhookSecret: `lsp_leaks:${secrets.phonepeWebhookPassword}`,
      },
    ];
    for (const [i, g] of gateways.entries()) {
      ids[g.code] = newId('gateway');
      await owner.query(
        `INSERT INTO gateways (id, code, name, provider, priority, enabled, currencies, methods, config, secrets_encrypted)
         VALUES ($1, $2, $2, $3, $4, true, '{INR}', '{upi,card}', $5, $6)`,
        [
          ids[g.code],
          g.code,
          g.provider,
          100 + i,
          JSON.stringify(g.config),
          oldBox.seal(JSON.stringify({ credentials: g.credentials, webhookSecret: g.webhookSecret })),
        ],
      );
    }
    app = await bootWorkers(config, { outboxRelay: false, logger: createLogger('workers-leaks', 'trace', logs) });
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([razorpay.stop(), phonepe.stop()]);
    await owner?.end();
    await clearPrefix(config);
    const root = new Client({ connectionString: OWNER_URL });
    await root.connect();
    await root.query(`DROP DATABASE IF EXISTS "${dbUrl.pathname.slice(1)}" WITH (FORCE)`);
    await root.end();
  });

  it('probes and re-seals with every credential, then finds none in the log lines', async () => {
    // The boot runs of both scheduled jobs: every row re-sealed under v2, every gateway probed.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { rows } = await owner.query<{ old: string; sampled: string }>(
        `SELECT (SELECT count(*) FROM gateways WHERE split_part(secrets_encrypted, ':', 1) <> 'v2') AS old,
                (SELECT count(DISTINCT gateway_id) FROM gateway_health_samples WHERE gateway_id = ANY($1)) AS sampled`,
        [Object.values(ids)],
      );
      if (Number(rows[0].old) === 0 && Number(rows[0].sampled) === 4) break;
      if (Date.now() > deadline) throw new Error(`boot jobs did not finish: ${JSON.stringify(rows[0])}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const results = await app!.get(CollectGatewayHealthProcessor).process({ trigger: 'manual' });
    const probes = (
      await owner.query<{ gateway_id: string; probe_ok: boolean }>(
        `SELECT DISTINCT ON (gateway_id) gateway_id, probe_ok FROM gateway_health_samples
        WHERE gateway_id = ANY($1) ORDER BY gateway_id, id DESC`,
        [Object.values(ids)],
      )
    ).rows;
    // The checks can fail: the credentials were really used, accepted where right and refused where wrong.
    expect(Object.fromEntries(probes.map((p) => [p.gateway_id, p.probe_ok]))).toEqual({
      [ids['rzp-leaks']]: true,
      [ids['rzp-leaks-refused']]: false,
      [ids['pp-leaks']]: true,
      [ids['pp-leaks-refused']]: false,
    });
    expect(results.length).toBeGreaterThanOrEqual(4);
    expect(phonepe.tokenRequests).toBeGreaterThanOrEqual(2);
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(text).toContain('gateway secrets re-encrypted');
    expect(text).toContain(ids['rzp-leaks-refused']);
    expect(text).toContain(ids['pp-leaks-refused']);

    const lookedFor = {
      ...secrets,
      phonepeWebhookAuthorization: phonePeWebhookAuthorization('lsp_leaks', secrets.phonepeWebhookPassword),
      razorpayBasicAuth: Buffer.from(`${razorpay.keyId}:${secrets.razorpayKeySecret}`).toString('base64'),
    };
    for (const [name, secret] of Object.entries(lookedFor)) {
      expect({ name, found: text.includes(secret) }).toEqual({ name, found: false });
    }
  });
});

#!/usr/bin/env node
// GET /api/v1/admin/analytics/overview on 1,000,000 payments. Seeds payments with set-based SQL over the last
// 30 days (10 merchants, 3 gateways, 4 methods; 80 % captured, 12 % failed, 3 % cancelled, 5 % pending) and
// their hourly and daily rollups the same way, then times the overview through one API process for several
// ranges, beside the same figures computed by scanning `payments` (what the rollups avoid).
//   node bench/analytics-overview.mjs [--payments 1000000] [--requests 30]
// Needs PostgreSQL, Redis and a built API (`npx nx build api`).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const paymentCount = arg('payments', 1_000_000);
const requests = arg('requests', 30);
const suffix = randomBytes(4).toString('hex');
const dbName = `lsp_bench_${suffix}`;
const dbUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
const port = 39_000 + Math.floor(Math.random() * 1000);
const env = {
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL: dbUrl,
  REDIS_PREFIX: `lsp_bench_${suffix}`,
  JWT_SECRET: randomBytes(32).toString('base64url'),
  ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
  BOOTSTRAP_ADMIN_EMAIL: 'bench@lightspeedpay.local',
  BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password-1',
  LOG_LEVEL: 'silent',
  CONSOLE_DIST: '',
  PORT: String(port),
  PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
};
const base = `http://127.0.0.1:${port}`;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const id = (prefix) => `${prefix}_${Array.from(randomBytes(26), (b) => CROCKFORD[b % 32]).join('')}`;
const pct = (values, q) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
const LATENCY_BOUNDS = [25, 50, 100, 200, 300, 500, 750, 1000, 2000, 5000, 10000];

if (spawnSync(process.execPath, ['dist/apps/api/migrate.js'], { cwd: root, env, stdio: 'inherit' }).status !== 0)
  process.exit(1);

const owner = new pg.Client({ connectionString: dbUrl });
await owner.connect();
let api;
try {
  const merchants = Array.from({ length: 10 }, () => id('mer'));
  for (const [i, m] of merchants.entries()) {
    await owner.query(`INSERT INTO merchants (id, name, email) VALUES ($1, $2, $3)`, [
      m,
      `Bench ${i}`,
      `b${i}@bench.in`,
    ]);
  }
  const gateways = ['razorpay-main', 'phonepe-main', 'sandbox-backup'].map((code, i) => ({ id: id('gw'), code, i }));
  for (const g of gateways) {
    await owner.query(
      `INSERT INTO gateways (id, code, name, provider, priority, currencies, methods, secrets_encrypted)
       VALUES ($1, $2, $2, 'sandbox', $3, '{INR}', '{upi,card,netbanking,wallet}', 'x')`,
      [g.id, g.code, g.i],
    );
  }

  let t = Date.now();
  await owner.query(
    `INSERT INTO payments (id, merchant_id, amount, currency, method, status, gateway_id, gateway_code, created_at, updated_at)
     SELECT 'pay_' || lpad(upper(to_hex(g)), 26, '0'),
            ($2::text[])[1 + g % 10],
            1000 + (g::bigint * 7919) % 500000,
            'INR',
            (ARRAY['upi', 'card', 'netbanking', 'wallet'])[1 + (g / 7) % 4],
            CASE WHEN g % 100 < 80 THEN 'captured' WHEN g % 100 < 92 THEN 'failed'
                 WHEN g % 100 < 95 THEN 'cancelled' ELSE 'pending' END,
            ($3::text[])[1 + (g / 3) % 3], ($4::text[])[1 + (g / 3) % 3],
            now() - (g % 2592000) * interval '1 second', now() - (g % 2592000) * interval '1 second'
       FROM generate_series(1, $1::int) g`,
    [paymentCount, merchants, gateways.map((g) => g.id), gateways.map((g) => g.code)],
  );
  console.log(`seeded ${paymentCount.toLocaleString('en')} payments in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  // The rollups as the workers' event handler would have built them, one outcome per payment; the decisive
  // attempt's latency is synthetic (0–1.5 s from the id) since seeded payments have no attempts.
  const buckets = LATENCY_BOUNDS.map((ms, i) => {
    const lower = i === 0 ? -1 : LATENCY_BOUNDS[i - 1];
    return `count(*) FILTER (WHERE lat > ${lower} AND lat <= ${ms})`;
  }).concat(`count(*) FILTER (WHERE lat > ${LATENCY_BOUNDS.at(-1)})`);
  t = Date.now();
  const rollups = await owner.query(
    `INSERT INTO analytics_hourly (bucket, merchant_id, gateway, method, status, currency, count, amount, latency_count,
       ${LATENCY_BOUNDS.map((ms) => `latency_le_${ms}`).join(', ')}, latency_over)
     SELECT date_trunc('hour', created_at, 'UTC'), merchant_id, coalesce(gateway_code, ''), method, status, currency,
            count(*), sum(amount), count(*), ${buckets.join(', ')}
       FROM (SELECT *, abs(hashtext(id)) % 1500 AS lat FROM payments WHERE status IN ('captured', 'failed', 'cancelled')) p
      GROUP BY 1, 2, 3, 4, 5, 6`,
  );
  const histogram = [...LATENCY_BOUNDS.map((ms) => `latency_le_${ms}`), 'latency_over'];
  const daily = await owner.query(
    `INSERT INTO analytics_daily (day, merchant_id, gateway, method, status, currency, count, amount, latency_count,
       ${histogram.join(', ')})
     SELECT date_trunc('day', bucket, 'UTC'), merchant_id, gateway, method, status, currency, sum(count), sum(amount),
            sum(latency_count), ${histogram.map((c) => `sum(${c})`).join(', ')}
       FROM analytics_hourly GROUP BY 1, 2, 3, 4, 5, 6`,
  );
  await owner.query(`VACUUM ANALYZE payments`);
  await owner.query(`VACUUM ANALYZE analytics_hourly`);
  await owner.query(`VACUUM ANALYZE analytics_daily`);
  console.log(
    `built ${rollups.rowCount.toLocaleString('en')} hourly and ${daily.rowCount.toLocaleString('en')} daily rollup rows in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );

  api = spawn(process.execPath, ['dist/apps/api/main.js'], { cwd: root, env, stdio: 'inherit' });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 100) throw new Error('API did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  const login = await (
    await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: env.BOOTSTRAP_ADMIN_EMAIL, password: env.BOOTSTRAP_ADMIN_PASSWORD }),
    })
  ).json();
  const headers = { authorization: `Bearer ${login.accessToken}` };

  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString();
  const day = 86_400_000;
  const cases = {
    'last 24 h (hourly series)': `from=${iso(now - day)}&to=${iso(now)}`,
    'last 7 days (daily series)': `from=${iso(now - 7 * day)}&to=${iso(now)}`,
    'last 30 days (daily series)': `from=${iso(now - 31 * day)}&to=${iso(now)}`,
    'last 30 days, one merchant': `from=${iso(now - 31 * day)}&to=${iso(now)}&merchantId=${merchants[3]}`,
    'last 7 days (hourly series)': `from=${iso(now - 7 * day)}&to=${iso(now)}&granularity=hour`,
  };
  const table = {};
  for (const [name, query] of Object.entries(cases)) {
    const times = [];
    let body;
    for (let i = 0; i < requests + 3; i++) {
      const started = performance.now();
      const res = await fetch(`${base}/api/v1/admin/analytics/overview?${query}`, { headers });
      body = await res.json();
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
      if (i >= 3) times.push(performance.now() - started);
    }
    const outcomes = body.totals.reduce((n, t) => n + t.count, 0);
    table[name] = {
      payments: outcomes,
      'p50 ms': Math.round(pct(times, 0.5)),
      'p95 ms': Math.round(pct(times, 0.95)),
      'max ms': Math.round(Math.max(...times)),
    };
  }

  // The same headline figures by scanning payments, once: what every dashboard load would cost without rollups.
  t = performance.now();
  await owner.query(
    `SELECT status, currency, gateway_code, method, count(*), sum(amount) FROM payments
      WHERE created_at >= $1 AND created_at < $2 GROUP BY GROUPING SETS ((status, currency), (status, gateway_code), (status, method))`,
    [new Date(now - 31 * day), new Date(now)],
  );
  const scanMs = Math.round(performance.now() - t);

  console.log(
    `\nGET /api/v1/admin/analytics/overview, one API process, ${requests} requests per range (after 3 warm-ups)\n`,
  );
  console.table(table);
  console.log(`for comparison, the same counts by scanning payments (30 days, as owner, no RLS): ${scanMs} ms`);
} finally {
  if (api) {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
  }
  await owner.end();
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
}

#!/usr/bin/env node
// POST /api/v1/payments against the sandbox gateway vs a bare Fastify route doing one PostgreSQL insert through a
// pool, both at the same connections and duration, in one run. Prints req/s, p50/p99, the ratio b/a, and the
// platform's own p99 taken from each response's Server-Timing `app;dur=` (our time without the gateway's).
//   node bench/payments.mjs [--duration 15] [--connections 50]
// With --count N it instead sends N payments one at a time to an API with `payments-probe.cjs` preloaded and prints
// the PostgreSQL statements, transactions and Redis round trips per payment (its gateway callback included).
//   node bench/payments.mjs --count 20
// --api-dist <dir> runs another build of the API (default dist/apps/api), to compare two commits on one machine.
// Needs PostgreSQL, Redis and a built API (`npx nx build api`).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const duration = arg('duration', 15);
const connections = arg('connections', 50);
const count = arg('count', 0);
const stringArg = (name, fallback) =>
  process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback;
// --profile <dir>: the API writes a V8 CPU profile there when it exits.
const profileDir = stringArg('profile', '');
// Another build of the API to measure, e.g. a copy of dist/apps/api built from the commit being compared against.
const apiDist = process.argv.includes('--api-dist')
  ? process.argv[process.argv.indexOf('--api-dist') + 1]
  : 'dist/apps/api';
const probeLog = join(tmpdir(), `lsp-payments-probe-${process.pid}.log`);
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

const run = (opts) =>
  new Promise((resolve, reject) =>
    autocannon({ connections, duration, ...opts }, (e, r) => (e ? reject(e) : resolve(r))),
  );
const fmt = (r) => ({
  rps: Math.round(r.requests.average),
  p50: r.latency.p50,
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
});
const p = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

if (spawnSync(process.execPath, [join(apiDist, 'migrate.js')], { cwd: root, env, stdio: 'inherit' }).status !== 0)
  process.exit(1);
const api = spawn(
  process.execPath,
  [
    ...(count ? ['--require', join(root, 'bench/payments-probe.cjs')] : []),
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    join(apiDist, 'main.js'),
  ],
  { cwd: root, env: { ...env, PROBE_LOG: probeLog }, stdio: 'inherit' },
);
/** The API process's CPU time so far (user + system), in ms: load-insensitive cost per request. */
const cpuMs = () => {
  const fields = readFileSync(`/proc/${api.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, USER_HZ = 100 on Linux
};
const pool = new pg.Pool({ connectionString: dbUrl, max: 10 });
try {
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
  const { apiKey } = await (
    await fetch(`${base}/api/v1/admin/merchants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.accessToken}` },
      body: JSON.stringify({ name: 'Bench', email: 'bench@merchant.in', rateLimitPerMinute: 1_000_000 }),
    })
  ).json();
  const body = JSON.stringify({ amount: 10000, currency: 'INR', method: 'upi' });
  if (count) {
    await countPerPayment(apiKey.secret, body);
  } else {
    // (a) the floor: one INSERT through a pool behind a bare Fastify route
    await pool.query(
      `CREATE TABLE bench_rows (id bigserial PRIMARY KEY, amount bigint NOT NULL, created_at timestamptz DEFAULT now())`,
    );
    const bare = Fastify();
    bare.post('/', async (request) => {
      const { rows } = await pool.query(`INSERT INTO bench_rows (amount) VALUES ($1) RETURNING id`, [
        request.body.amount,
      ]);
      return { id: rows[0].id };
    });
    const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
    const a = await run({ url: bareUrl, method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await bare.close();

    // (b) the product: a payment routed to the sandbox gateway, each with its own Idempotency-Key
    const appMs = [];
    const cpuBefore = cpuMs();
    let seq = 0;
    const b = await run({
      url: `${base}/api/v1/payments`,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => ({
            ...req,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${apiKey.secret}`,
              'idempotency-key': `bench-${suffix}-${seq++}`,
            },
            body,
          }),
          onResponse: (_status, _body, _ctx, headers) => {
            const m = /app;dur=([\d.]+)/.exec(headers['server-timing'] ?? '');
            if (m) appMs.push(Number(m[1]));
          },
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 1500)); // the last payments' sandbox callbacks land
    const apiCpuMs = cpuMs() - cpuBefore;

    console.log(`\nautocannon: ${connections} connections × ${duration} s each, one API process, 2-core machine\n`);
    console.table({ 'a) bare Fastify + 1 PG insert': fmt(a), 'b) POST /api/v1/payments (sandbox)': fmt(b) });
    console.log(`ratio b/a (req/s): ${(b.requests.average / a.requests.average).toFixed(2)}`);
    console.log(
      `platform's own time (Server-Timing app;dur) over ${appMs.length} payments: p50 ${p(appMs, 0.5).toFixed(1)} ms, p99 ${p(appMs, 0.99).toFixed(1)} ms`,
    );
    console.log(
      `API process CPU per payment (its callback included): ${(apiCpuMs / appMs.length).toFixed(2)} ms; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  }
} finally {
  api.kill('SIGTERM');
  await new Promise((r) => api.once('exit', r));
  await pool.end();
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
}

/**
 * Sends `count` payments one after another, each followed by a pause long enough for its sandbox callback to land,
 * and counts what the API sent meanwhile; an idle window of the same length first says what background work
 * (timers, queue polling) costs, which is subtracted.
 */
async function countPerPayment(secret, body) {
  const settleMs = 700; // SANDBOX_CALLBACK_DELAY (300 ms) plus the callback's own handling
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const tally = (lines) => {
    const pg = lines.filter((l) => l.startsWith('pg\t')).map((l) => l.slice(3));
    const redis = lines.filter((l) => l.startsWith('redis\t')).length;
    const pipelines = lines.filter((l) => l.startsWith('redis-pipeline\t')).length;
    const piped = lines.filter((l) => l.startsWith('redis-piped\t')).length;
    const begins = pg.filter((t) => /^BEGIN/i.test(t)).length;
    const ends = pg.filter((t) => /^(COMMIT|ROLLBACK)/i.test(t)).length;
    return {
      'PG round trips': pg.length,
      transactions: begins,
      'data statements': pg.length - begins - ends,
      'Redis round trips': redis + pipelines,
      'Redis commands': redis + piped,
    };
  };
  const window = async (work) => {
    writeFileSync(probeLog, '');
    await work();
    await sleep(settleMs);
    return readFileSync(probeLog, 'utf8').split('\n').filter(Boolean);
  };
  // Warm-up: caches (API key, gateways) fill on first use, as they stay warm under load.
  const pay = async (key) => {
    const res = await fetch(`${base}/api/v1/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, 'idempotency-key': key },
      body,
    });
    if (res.status !== 201) throw new Error(`payment answered ${res.status}: ${await res.text()}`);
    return (await res.json()).id;
  };
  await pay(`count-${suffix}-warm`);
  await sleep(settleMs);
  const idle = await window(() => sleep(count * settleMs));
  const ids = [];
  let last = [];
  const busy = await window(async () => {
    for (let i = 0; i < count; i++) {
      if (i === count - 1) appendFileSync(probeLog, 'MARK\n');
      ids.push(await pay(`count-${suffix}-${i}`));
      await sleep(settleMs);
    }
  });
  last = busy.slice(busy.indexOf('MARK') + 1);
  const { rows } = await pool.query(`SELECT status, count(*)::int AS n FROM payments WHERE id = ANY($1) GROUP BY 1`, [
    ids,
  ]);
  const a = tally(idle);
  const b = tally(busy);
  const perPayment = Object.fromEntries(Object.keys(b).map((k) => [k, +((b[k] - a[k]) / count).toFixed(2)]));
  console.log(`\n${count} payments one at a time (amount 10000, sandbox, capture by callback); statuses:`, rows);
  console.table({
    [`idle window (${count} × ${settleMs} ms)`]: a,
    [`${count} payments`]: b,
    'per payment': perPayment,
  });
  console.log('\nthe last payment, in order (its request, then the gateway callback; idle traffic included):');
  for (const line of last) console.log('  ' + line.replace('\t', '  ').slice(0, 160));
}

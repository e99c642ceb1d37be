#!/usr/bin/env node
// Merchant webhook deliveries: (1) deliveries per second from the outbox to a local receiver, through the real
// path (outbox relay → events queue → fan-out → webhooks queue → signed POST → attempt recorded); (2) what running
// deliveries costs the payment API: POST /api/v1/payments throughput without workers, then with a worker process
// working through a delivery backlog at the same time. Prints figures and ratios.
//   node bench/webhook-deliveries.mjs [--events 1500] [--endpoints 4] [--workers 1] [--duration 10] [--connections 20]
// Needs PostgreSQL, Redis and built apps (`npx nx run-many -t build -p api workers`).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const events = arg('events', 1500);
const endpoints = arg('endpoints', 4);
const workerCount = arg('workers', 1);
const duration = arg('duration', 10);
const connections = arg('connections', 20);
// --profile <dir>: the worker processes write a V8 CPU profile there (load it in Chrome DevTools).
const profileDir = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : null;

const suffix = randomBytes(4).toString('hex');
const dbName = `lsp_bench_${suffix}`;
const dbUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
const port = 39_000 + Math.floor(Math.random() * 1000);
const env = {
  ...process.env,
  // development: the receiver is on loopback and plain http (production accepts neither)
  NODE_ENV: 'development',
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  WEBHOOK_ENDPOINT_CONCURRENCY: '50',
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
const ulid = (now = Date.now()) => {
  let time = '';
  for (let i = 0, t = now; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  return time + [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join('');
};

// The merchant's server: answers every delivery at once, counts them, keeps the first and last arrival.
let received = 0;
let firstAt = 0;
let lastAt = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    lastAt = performance.now();
    if (received === 1) firstAt = lastAt;
    res.end('ok');
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hooks`;

// CPU time of a process so far (Linux /proc, clock ticks of 10 ms): a load-independent cost per delivery, where
// wall-clock rates on a shared machine mostly measure the neighbours.
const cpuMs = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
};

const workers = [];
const startWorkers = (n) => {
  for (let i = 0; i < n; i++) {
    workers.push(
      spawn(
        process.execPath,
        [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'dist/apps/workers/main.js'],
        {
          cwd: root,
          env: { ...env, WORKER_QUEUES: 'events,webhooks', WORKERS_HEALTH_PORT: '0' },
          stdio: 'inherit',
        },
      ),
    );
  }
};
const stopWorkers = async () => {
  await Promise.all(
    workers.splice(0).map((w) => {
      w.kill('SIGTERM');
      return new Promise((r) => w.once('exit', r));
    }),
  );
};
const post = async (path, token, body) =>
  (
    await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    })
  ).json();
const waitFor = async (check, timeoutMs, what) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

if (spawnSync(process.execPath, ['dist/apps/api/migrate.js'], { cwd: root, env, stdio: 'inherit' }).status !== 0)
  process.exit(1);
const api = spawn(process.execPath, ['dist/apps/api/main.js'], { cwd: root, env, stdio: 'inherit' });
const pool = new pg.Pool({ connectionString: dbUrl, max: 4 });
try {
  await waitFor(
    () =>
      fetch(`${base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
    'the API',
  );
  const login = await post('/api/v1/auth/login', '', {
    email: env.BOOTSTRAP_ADMIN_EMAIL,
    password: env.BOOTSTRAP_ADMIN_PASSWORD,
  });
  const { merchant, apiKey } = await post('/api/v1/admin/merchants', login.accessToken, {
    name: 'Bench',
    email: 'bench@merchant.in',
    rateLimitPerMinute: 1_000_000,
  });
  for (let i = 0; i < endpoints; i++) {
    await post('/api/v1/webhook-endpoints', apiKey.secret, {
      url: `${receiverUrl}/${i}`,
      events: ['payment.created', 'payment.captured', 'payment.failed'],
    });
  }

  // ---- (1) deliveries per second ---------------------------------------------------------------------------
  // A backlog of outbox events as payments would record them, then a worker process works through it.
  const enqueueBacklog = async (n) => {
    const ids = Array.from({ length: n }, () => `evt_${ulid()}`);
    await pool.query(
      `INSERT INTO outbox_events (id, merchant_id, type, aggregate_type, aggregate_id, payload)
       SELECT id, $2, 'payment.captured', 'payment', 'pay_' || substr(id, 5), jsonb_build_object(
                'id', 'pay_' || substr(id, 5), 'object', 'payment', 'amount', 10000, 'currency', 'INR', 'status', 'captured')
         FROM unnest($1::text[]) AS id`,
      [ids, merchant.id],
    );
  };
  await enqueueBacklog(events);
  const expected = events * endpoints;
  const started = performance.now();
  startWorkers(workerCount);
  await waitFor(async () => received >= expected, 600_000, `${expected} deliveries`);
  const wall = (performance.now() - started) / 1000;
  const workerCpuMs = workers.reduce((sum, w) => sum + cpuMs(w.pid), 0);
  const steady = (lastAt - firstAt) / 1000;
  // The receiver answers before the attempt is recorded: wait for the records too.
  await waitFor(
    async () =>
      (await pool.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'succeeded'`)).rows[0].n >=
      expected,
    60_000,
    'the attempt records',
  );
  const { rows } = await pool.query(
    `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS ok, count(*)::int AS all,
            (SELECT count(*)::int FROM webhook_delivery_attempts) AS attempts
       FROM webhook_deliveries`,
  );

  // ---- (2) what delivery costs the payment API ------------------------------------------------------------
  await stopWorkers();
  const body = JSON.stringify({ amount: 10000, currency: 'INR', method: 'upi' });
  let seq = 0;
  const payments = () =>
    new Promise((resolve, reject) =>
      autocannon(
        {
          url: `${base}/api/v1/payments`,
          connections,
          duration,
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
            },
          ],
        },
        (e, r) => (e ? reject(e) : resolve(r)),
      ),
    );
  const without = await payments();
  // A backlog big enough to keep deliveries running for the whole measurement.
  const deliveredBefore = received;
  await enqueueBacklog(Math.max(events, Math.ceil(((expected / steady) * duration * 1.5) / endpoints)));
  startWorkers(workerCount);
  await waitFor(async () => received > deliveredBefore, 60_000, 'deliveries to resume');
  const withDeliveryStart = received;
  const withDelivery = await payments();
  const deliveredMeanwhile = received - withDeliveryStart;
  const withoutAgain = await (async () => {
    await stopWorkers();
    return payments();
  })();

  const fmt = (r) => ({
    'req/s': Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
  });
  console.log(
    `\n(1) ${events} events × ${endpoints} endpoints = ${expected} deliveries, ${workerCount} worker process(es)`,
  );
  console.table({
    deliveries: {
      received: received >= expected ? expected : received,
      succeeded: rows[0].ok,
      attempts: rows[0].attempts,
      'wall s (incl. boot)': wall.toFixed(1),
      'steady s': steady.toFixed(1),
      'deliveries/s': Math.round(expected / steady),
      'target ≥': 500,
    },
  });
  const perDelivery = workerCpuMs / expected;
  console.log(
    `worker CPU: ${(workerCpuMs / 1000).toFixed(1)} s for ${expected} deliveries = ${perDelivery.toFixed(2)} ms per delivery ` +
      `(incl. boot and the fan-out) → at most ~${Math.round(1000 / perDelivery)} deliveries/s per fully available core`,
  );
  const baseline = (without.requests.average + withoutAgain.requests.average) / 2;
  console.log(`\n(2) POST /api/v1/payments, ${connections} connections × ${duration} s, one API process`);
  console.table({
    'without delivery (before)': fmt(without),
    'with deliveries running': {
      ...fmt(withDelivery),
      'deliveries/s meanwhile': Math.round(deliveredMeanwhile / duration),
    },
    'without delivery (after)': fmt(withoutAgain),
  });
  const change = (withDelivery.requests.average / baseline - 1) * 100;
  console.log(
    `payment throughput with deliveries / without: ${(withDelivery.requests.average / baseline).toFixed(3)} (${change.toFixed(1)} %, target within ±5 %)`,
  );
} finally {
  await stopWorkers();
  api.kill('SIGTERM');
  await new Promise((r) => api.once('exit', r));
  receiver.close();
  await pool.end();
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.REDIS_PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

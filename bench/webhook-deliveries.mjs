#!/usr/bin/env node
// Merchant webhook deliveries: (0) a bare baseline — the same number of POSTs from a plain keep-alive node:http
// loop in its own process to the same receiver; (1) deliveries per second from an outbox backlog to that receiver
// through the real path (outbox relay → events queue → fan-out → webhooks queue → signed POST → attempt recorded),
// with 1 and with 2 worker processes, with the worker CPU time, write syscalls (≈ round trips) and PostgreSQL
// transactions per delivery, which do not depend on the machine's load; (2) what working a delivery backlog costs
// the payment API: POST /api/v1/payments req/s without (A) and with (B) a backlog being worked, interleaved
// A B A B … A after discarded warm-up runs, with the mean and spread of each and the ratio.
//   node bench/webhook-deliveries.mjs [--events 1000] [--endpoints 4] [--workers 1,2] [--ab-workers 1]
//        [--rounds 3] [--duration 8] [--warmups 3] [--connections 20] [--worker-nice 19] [--pin] [--profile dir]
// --worker-nice n: the workers' WORKER_NICE (default 19, what `npm start` and docker-compose give workers that
// share a host with the API; 0 shows what deliveries cost when they compete for the CPU as equals);
// --pin: the API on CPU 0 and the workers on CPU 1 (taskset).
// Needs PostgreSQL, Redis and built apps (`npx nx run-many -t build -p api workers`).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const arg = (name, fallback) => Number(option(name, fallback));
const events = arg('events', 1000);
const endpoints = arg('endpoints', 4);
const workerCounts = String(option('workers', '1,2')).split(',').map(Number);
const abWorkers = arg('ab-workers', 1);
const rounds = arg('rounds', 3);
const duration = arg('duration', 8);
const warmups = arg('warmups', 3);
const connections = arg('connections', 20);
const workerNice = arg('worker-nice', 19);
const pin = process.argv.includes('--pin');
// --profile <dir>: the worker processes write a V8 CPU profile there (load it in Chrome DevTools).
const profileDir = option('profile', null);
// --workers-dist <file>: another build of the workers (e.g. the previous commit's) for a before/after comparison.
const workersMain = option('workers-dist', 'dist/apps/workers/main.js');
// The concurrency of one worker process on the webhooks queue, used by the bare loop too.
const senderConcurrency = 50;

const suffix = randomBytes(4).toString('hex');
const dbName = `lsp_bench_${suffix}`;
const dbUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
// A port the OS says is free (a random one collided with other benches running on the same machine).
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const env = {
  ...process.env,
  // development: the receiver is on loopback and plain http (production accepts neither)
  NODE_ENV: 'development',
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  WEBHOOK_ENDPOINT_CONCURRENCY: '50',
  // one merchant owns every endpoint here: only the endpoints' cap is meant to apply
  WEBHOOK_MERCHANT_CONCURRENCY: '10000',
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

// CPU time (Linux /proc, clock ticks of 10 ms) and write/read syscalls of processes so far: load-independent costs
// per delivery, where wall-clock rates on a shared machine mostly measure the neighbours. Every round trip to
// PostgreSQL, Redis or the receiver is at least one write syscall of the process that makes it.
const usage = (pids) => {
  const total = { cpuMs: 0, writes: 0, reads: 0 };
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total.cpuMs += (Number(fields[11]) + Number(fields[12])) * 10;
      const io = Object.fromEntries(
        readFileSync(`/proc/${pid}/io`, 'utf8')
          .trim()
          .split('\n')
          .map((line) => line.split(': ')),
      );
      total.writes += Number(io.syscw);
      total.reads += Number(io.syscr);
    } catch {
      return { cpuMs: NaN, writes: NaN, reads: NaN };
    }
  }
  return total;
};
const minus = (a, b) => ({ cpuMs: a.cpuMs - b.cpuMs, writes: a.writes - b.writes, reads: a.reads - b.reads });

// The merchant's server: answers every delivery at once and counts them. A measured window samples the senders'
// usage at its first and its last arrival, so boot and drain are left out.
let received = 0;
let window = null;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    if (window) {
      const n = received - window.from;
      if (n === 1) {
        window.firstAt = performance.now();
        window.first = usage(window.pids());
      }
      if (n === window.expected) {
        window.lastAt = performance.now();
        window.last = usage(window.pids());
      }
    }
    res.end('ok');
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hooks`;
const openWindow = (expected, pids) => (window = { from: received, expected, pids });

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
// taskset execs the program, so the child's pid is the node process's own.
const launcher = (cpus) => (pin && cpus !== null ? ['taskset', '-c', String(cpus)] : []);
const launch = (prefix, args, options) =>
  prefix.length ? spawn(prefix[0], [...prefix.slice(1), ...args], options) : spawn(args[0], args.slice(1), options);

const workers = [];
const startWorkers = (n) => {
  for (let i = 0; i < n; i++) {
    workers.push(
      launch(
        launcher(1),
        [
          process.execPath,
          ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
          resolve(root, workersMain),
        ],
        {
          cwd: root,
          env: {
            ...env,
            WORKER_QUEUES: 'events,webhooks',
            WORKERS_HEALTH_PORT: '0',
            WORKER_NICE: String(workerNice),
          },
          stdio: 'inherit',
        },
      ),
    );
  }
};
const workerPids = () => workers.map((w) => w.pid);
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
    await new Promise((r) => setTimeout(r, 50));
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Booted: the processes used under 10 % of a core for half a second (boot takes seconds of CPU).
const waitBooted = async (pids) => {
  for (let last = usage(pids).cpuMs; ; ) {
    await sleep(500);
    const now = usage(pids).cpuMs;
    if (now - last < 50) return;
    last = now;
  }
};

// The bare baseline: POSTs of a webhook-sized signed body from a keep-alive node:http loop in its own process,
// as many at once as one worker process runs deliveries.
const BARE_SENDER = `
const http = require('node:http');
const [url, total, lanes] = [process.env.URL, Number(process.env.TOTAL), Number(process.env.LANES)];
const agent = new http.Agent({ keepAlive: true, maxSockets: lanes });
const body = JSON.stringify({ id: 'evt_' + 'X'.repeat(26), type: 'payment.captured', createdAt: new Date().toISOString(),
  data: { object: { id: 'pay_' + 'X'.repeat(26), object: 'payment', amount: 10000, currency: 'INR', status: 'captured' } } });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
  'user-agent': 'bare', 'webhook-id': 'evt_' + 'X'.repeat(26), 'webhook-timestamp': '1764230000',
  'webhook-signature': 'v1,' + 'A'.repeat(43) + '=' };
let sent = 0;
const one = () => new Promise((resolve) => {
  const req = http.request(url, { method: 'POST', agent, headers }, (res) => { res.resume(); res.on('end', resolve); });
  req.on('error', resolve);
  req.end(body);
});
const lane = async () => { while (sent < total) { sent++; await one(); } };
Promise.all(Array.from({ length: lanes }, lane)).then(() => process.exit(0));`;

if (spawnSync(process.execPath, ['dist/apps/api/migrate.js'], { cwd: root, env, stdio: 'inherit' }).status !== 0)
  process.exit(1);
const api = launch(launcher(0), [process.execPath, 'dist/apps/api/main.js'], { cwd: root, env, stdio: 'inherit' });
const pool = new pg.Pool({ connectionString: dbUrl, max: 4 });
const transactions = async () => {
  // Backends report their counts at most once a second; a fresh snapshot after that is current.
  await sleep(1100);
  const { rows } = await pool.query(
    `SELECT pg_stat_clear_snapshot(), (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1)::int AS n`,
    [dbName],
  );
  return rows[0].n;
};
// CPU time of the PostgreSQL backends serving the bench's database (the API's, the workers' and ours).
const postgresCpuMs = async () => {
  const { rows } = await pool.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [dbName]);
  return usage(rows.map((r) => r.pid)).cpuMs;
};
const stats = (values) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, sd, min: Math.min(...values), max: Math.max(...values) };
};
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
  // The merchant whose events are delivered, and one without endpoints whose payments load the API: its events
  // are relayed and fanned out (streams, ledger) in A and B alike but make no deliveries.
  const { merchant, apiKey } = await post('/api/v1/admin/merchants', login.accessToken, {
    name: 'Bench',
    email: 'bench@merchant.in',
    rateLimitPerMinute: 1_000_000,
  });
  const { apiKey: payerKey } = await post('/api/v1/admin/merchants', login.accessToken, {
    name: 'Bench Payer',
    email: 'payer@merchant.in',
    rateLimitPerMinute: 1_000_000,
  });
  for (let i = 0; i < endpoints; i++) {
    await post('/api/v1/webhook-endpoints', apiKey.secret, {
      url: `${receiverUrl}/${i}`,
      events: ['payment.created', 'payment.captured', 'payment.failed'],
    });
  }

  // A backlog of outbox events as payments would record them. payment.created: a payment.captured naming no real
  // payment would also make the ledger handler fail and retry, which is not delivery work.
  const enqueueBacklog = async (n) => {
    const ids = Array.from({ length: n }, () => `evt_${ulid()}`);
    await pool.query(
      `INSERT INTO outbox_events (id, merchant_id, type, aggregate_type, aggregate_id, payload)
       SELECT id, $2, 'payment.created', 'payment', 'pay_' || substr(id, 5), jsonb_build_object(
                'id', 'pay_' || substr(id, 5), 'object', 'payment', 'amount', 10000, 'currency', 'INR', 'status', 'created')
         FROM unnest($1::text[]) AS id`,
      [ids, merchant.id],
    );
  };
  const succeeded = async () =>
    (
      await pool.query(
        `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'succeeded' AND merchant_id = $1`,
        [merchant.id],
      )
    ).rows[0].n;
  const expected = events * endpoints;
  const perPost = (w) => ({
    'POSTs/s': Math.round((expected - 1) / ((w.lastAt - w.firstAt) / 1000)),
    'CPU ms/POST': +(minus(w.last, w.first).cpuMs / (expected - 1)).toFixed(3),
    'write syscalls/POST': +(minus(w.last, w.first).writes / (expected - 1)).toFixed(2),
  });

  // ---- (0) the bare baseline ------------------------------------------------------------------------------
  const rows1 = {};
  {
    const bare = spawn(process.execPath, ['-e', BARE_SENDER], {
      env: { ...process.env, URL: `${receiverUrl}/bare`, TOTAL: String(expected), LANES: String(senderConcurrency) },
      stdio: 'inherit',
    });
    const w = openWindow(expected, () => [bare.pid]);
    await new Promise((r) => bare.once('exit', r));
    window = null;
    rows1['bare node:http loop (1 process)'] = { ...perPost(w), 'load avg': loadAverage() };
  }

  // ---- (1) deliveries per second ----------------------------------------------------------------------------
  let deliveryRate = 0;
  for (const count of workerCounts) {
    const before = await succeeded();
    const xactBefore = await transactions();
    const pgCpuBefore = await postgresCpuMs();
    startWorkers(count);
    await waitBooted(workerPids());
    const booted = usage(workerPids());
    const started = performance.now();
    const w = openWindow(expected, workerPids);
    await enqueueBacklog(events);
    await waitFor(async () => w.last !== undefined, 600_000, `${expected} deliveries`);
    const wall = (performance.now() - started) / 1000;
    const total = usage(workerPids());
    window = null;
    // The receiver answers before the attempt is recorded: wait for the records too.
    await waitFor(async () => (await succeeded()) >= before + expected, 60_000, 'the attempt records');
    const xact = (await transactions()) - xactBefore;
    const pgCpu = (await postgresCpuMs()) - pgCpuBefore;
    await stopWorkers();
    const rate = (expected - 1) / ((w.lastAt - w.firstAt) / 1000);
    if (count === abWorkers) deliveryRate = rate;
    rows1[`deliveries, ${count} worker process${count > 1 ? 'es' : ''}`] = {
      'POSTs/s': Math.round(rate),
      'CPU ms/POST': +(minus(w.last, w.first).cpuMs / (expected - 1)).toFixed(3),
      'write syscalls/POST': +(minus(w.last, w.first).writes / (expected - 1)).toFixed(2),
      'PG transactions/delivery': +(xact / expected).toFixed(3),
      'PG CPU ms/delivery': +(pgCpu / expected).toFixed(3),
      'wall s': +wall.toFixed(1),
      'CPU s to boot': +(booted.cpuMs / 1000).toFixed(1),
      'CPU s after boot': +((total.cpuMs - booted.cpuMs) / 1000).toFixed(1),
      'load avg': loadAverage(),
    };
  }
  const { rows: check } = await pool.query(
    `SELECT count(*) FILTER (WHERE d.status = 'succeeded')::int AS ok, count(*)::int AS all,
            (SELECT count(*)::int FROM webhook_delivery_attempts a WHERE a.merchant_id = $1) AS attempts
       FROM webhook_deliveries d WHERE d.merchant_id = $1`,
    [merchant.id],
  );
  console.log(
    `\n(1) ${events} events × ${endpoints} endpoints = ${expected} deliveries per row (target ≥ 500/s); ` +
      `figures between the first and the last arrival at the receiver`,
  );
  console.table(rows1);
  console.log(
    `every delivery recorded: ${check[0].ok} of ${check[0].all} deliveries succeeded, ${check[0].attempts} attempts`,
  );

  // ---- (2) what working a delivery backlog costs the payment API ------------------------------------------
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
                  authorization: `Bearer ${payerKey.secret}`,
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
  // The workers run through A and B alike (relaying and fanning out the payments' own events); only B has
  // deliveries to make. A backlog sized from (1) lasts the whole B run; the next A starts once it is drained.
  startWorkers(abWorkers);
  await waitBooted(workerPids());
  const warmup = received;
  await enqueueBacklog(10);
  await waitFor(async () => received >= warmup + 10 * endpoints, 60_000, 'the workers to start');
  // A fresh API keeps getting faster for its first half minute or so (JIT, caches) whatever else runs; a first A
  // run that is still warming up would make B look cheaper than it is. So warm-up runs are made and not counted.
  const warm = [];
  for (let i = 0; i < warmups; i++) warm.push(Math.round((await payments()).requests.average));
  if (warmups) console.log(`warm-up runs (not counted): ${warm.join(', ')} req/s`);
  const runs = [];
  for (let i = 0; i < 2 * rounds + 1; i++) {
    const withDeliveries = i % 2 === 1;
    let backlogEnd = received;
    if (withDeliveries) {
      const backlog = Math.ceil((deliveryRate * (duration + 4) * 1.2) / endpoints);
      backlogEnd = received + backlog * endpoints;
      await enqueueBacklog(backlog);
      const resumed = received;
      await waitFor(async () => received > resumed, 60_000, 'deliveries to resume');
    }
    const before = { at: received, workers: usage(workerPids()), api: usage([api.pid]) };
    const result = await payments();
    const delivered = received - before.at;
    const workerCpu = minus(usage(workerPids()), before.workers).cpuMs;
    const apiCpu = minus(usage([api.pid]), before.api).cpuMs;
    runs.push({
      run: withDeliveries ? 'B with deliveries' : 'A without',
      'req/s': Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      'deliveries/s meanwhile': Math.round(delivered / duration),
      'backlog left at end': withDeliveries ? Math.max(0, backlogEnd - received) : 0,
      'API CPU ms/payment': +(apiCpu / (result.requests.total || 1)).toFixed(2),
      'workers CPU s': +(workerCpu / 1000).toFixed(1),
      'load avg': loadAverage(),
    });
    if (withDeliveries) await waitFor(async () => received >= backlogEnd, 600_000, 'the backlog to drain');
  }
  await stopWorkers();
  const a = stats(runs.filter((r) => r.run.startsWith('A')).map((r) => r['req/s']));
  const b = stats(runs.filter((r) => r.run.startsWith('B')).map((r) => r['req/s']));
  console.log(
    `\n(2) POST /api/v1/payments, ${connections} connections × ${duration} s, one API process, ${abWorkers} worker ` +
      `process(es) running throughout${pin ? ', API pinned to CPU 0 and workers to CPU 1' : ''}` +
      `, workers at WORKER_NICE=${workerNice}, after ${warmups} discarded warm-up run(s)`,
  );
  console.table(runs);
  const fmt = (s) => `${s.mean.toFixed(1)} ± ${s.sd.toFixed(1)} req/s (min ${s.min}, max ${s.max})`;
  console.log(`A without deliveries: ${fmt(a)}`);
  console.log(`B with deliveries:    ${fmt(b)}`);
  console.log(
    `payment throughput B / A: ${(b.mean / a.mean).toFixed(3)} (${((b.mean / a.mean - 1) * 100).toFixed(1)} %, target within −5 %)`,
  );
} finally {
  window = null;
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

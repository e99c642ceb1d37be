#!/usr/bin/env node
// Time to settle N matured captured payments across M merchants through the real Settlement Processor: a fresh
// database is seeded set-based (bench/settlement-seed.sql: merchants, payments, capture and release journals),
// one workers process serves the settlements queue, and one run for every merchant is requested the way
// POST /api/v1/admin/settlements/run records it. Prints the seed time, the run time and items/s, then checks
// that every payment was settled exactly once and the books still balance.
//   node bench/settlement-run.mjs [--payments 1000000] [--merchants 1000] [--batch 5000] [--template NAME]
// --template NAME keeps the seeded database as NAME (seeded on first use, kept afterwards) and clones it for each
// run, so repeated runs skip the seed (minutes for 1,000,000 payments); drop it by hand when done.
// Needs PostgreSQL, Redis and the built apps (`npx nx run-many -t build -p api workers`).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const payments = arg('payments', 1_000_000);
const merchants = arg('merchants', 1000);
const batch = arg('batch', 5000);
const templateAt = process.argv.indexOf('--template');
const template = templateAt > 0 ? process.argv[templateAt + 1] : null;
if (template !== null && !/^[a-z0-9_]{1,50}$/.test(template)) throw new Error('--template must be [a-z0-9_]+');
const suffix = randomBytes(4).toString('hex');
const dbName = `lsp_stlbench_${suffix}`;
const ownerUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
const env = {
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL: ownerUrl,
  REDIS_PREFIX: `lsp_stlbench_${suffix}`,
  JWT_SECRET: randomBytes(32).toString('base64url'),
  ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
  BOOTSTRAP_ADMIN_EMAIL: 'bench@lightspeedpay.local',
  BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password-1',
  LOG_LEVEL: 'warn',
  CONSOLE_DIST: '',
  WORKER_QUEUES: 'settlements',
  WORKERS_HEALTH_PORT: '0',
  SETTLEMENT_POLL_EVERY: '200ms',
  SETTLEMENT_SCHEDULES: 'false',
  SETTLEMENT_BATCH_SIZE: String(batch),
};
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const pgAt = (db) => `postgres://postgres@127.0.0.1:5432/${db}`;
const migrateInto = (url) => {
  const migrate = spawnSync(process.execPath, ['dist/apps/api/migrate.js'], {
    cwd: root,
    env: { ...env, DATABASE_URL: url },
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`migrate failed: ${migrate.stderr}`);
};
const seed = async (url) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const seedSql = readFileSync(join(root, 'bench/settlement-seed.sql'), 'utf8')
    .replaceAll('{{MERCHANTS}}', String(merchants))
    .replaceAll('{{PAYMENTS}}', String(payments));
  const started = performance.now();
  await client.query(seedSql);
  await client.end();
  console.log(
    `seeded ${payments.toLocaleString('en')} captured payments over ${merchants} merchants (capture + release journals) in ${seconds(performance.now() - started)}`,
  );
};
const admin = new pg.Client({ connectionString: pgAt('postgres') });
await admin.connect();
if (template === null) {
  migrateInto(ownerUrl);
  await seed(ownerUrl);
} else {
  const { rowCount } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [template]);
  if (rowCount === 0) {
    migrateInto(pgAt(template));
    await seed(pgAt(template));
  }
  const started = performance.now();
  await admin.query(`CREATE DATABASE "${dbName}" TEMPLATE "${template}"`);
  // The clone may predate newer migrations: bring it to the code's schema (also re-grants the app role).
  migrateInto(ownerUrl);
  console.log(`cloned the seeded database ${template} in ${seconds(performance.now() - started)}`);
}
const owner = new pg.Client({ connectionString: ownerUrl });
await owner.connect();
let worker;
try {
  worker = spawn(process.execPath, ['dist/apps/workers/main.js'], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // Wait for the worker to be consuming: its first (empty) tick claims nothing but proves the queue is served.
  await new Promise((r) => setTimeout(r, 3000));

  const loadBefore = load();
  const started = performance.now();
  const runId = `srn_${'0'.repeat(25)}1`;
  await owner.query(
    `INSERT INTO settlement_runs (id, trigger, cutoff, requested_by) VALUES ($1, 'manual', now(), 'bench')`,
    [runId],
  );
  let run;
  for (;;) {
    ({
      rows: [run],
    } = await owner.query(`SELECT * FROM settlement_runs WHERE id = $1`, [runId]));
    if (run.status === 'completed' || run.status === 'failed') break;
    if (worker.exitCode !== null) throw new Error('the workers process exited');
    await new Promise((r) => setTimeout(r, 100));
  }
  const elapsed = performance.now() - started;
  const items = Number(run.items_settled);
  console.log(
    `settlement run ${run.status}: ${items.toLocaleString('en')} items in ${run.settlements_created} settlements, ` +
      `${seconds(elapsed)} (${Math.round(items / (elapsed / 1000)).toLocaleString('en')} items/s; target < 60 s for 1,000,000); ` +
      `load average ${loadBefore} before, ${load()} after`,
  );

  // Baseline in the same run, on the same (loaded) machine: the bare cost of writing that many rows of the
  // items' shape set-based, into a table with no index, key, check or trigger.
  await owner.query(`CREATE TABLE bench_bare_items (LIKE settlement_items)`);
  const bareStarted = performance.now();
  await owner.query(
    `INSERT INTO bench_bare_items (settlement_id, source_journal_id, merchant_id, payment_id, refund_id, amount)
     SELECT 'stl_' || lpad('1', 26, '0'), source_journal_id, merchant_id, payment_id, refund_id, amount
       FROM settlement_items`,
  );
  const bare = performance.now() - bareStarted;
  await owner.query(`DROP TABLE bench_bare_items`);
  console.log(
    `baseline: a bare INSERT … SELECT of the same ${items.toLocaleString('en')} rows into an unindexed table took ` +
      `${seconds(bare)}; the run took ${(elapsed / bare).toFixed(1)}× that`,
  );

  const {
    rows: [check],
  } = await owner.query(`
    SELECT (SELECT count(*) FROM settlement_items)::bigint AS items,
           (SELECT count(DISTINCT source_journal_id) FROM settlement_items)::bigint AS distinct_items,
           (SELECT coalesce(sum(amount), 0) FROM settlements)::bigint AS settled,
           (SELECT coalesce(sum(gross_amount - commission_amount), 0) FROM ledger_journals WHERE type = 'capture')::bigint AS owed,
           (SELECT coalesce(sum(balance), 0) FROM ledger_accounts WHERE kind = 'merchant_available')::bigint AS available,
           (SELECT count(*) FROM (SELECT 1 FROM ledger_entries GROUP BY journal_id, currency HAVING sum(amount) <> 0) x)::bigint AS unbalanced`);
  const ok =
    Number(check.items) === payments &&
    check.distinct_items === check.items &&
    check.settled === check.owed &&
    Number(check.available) === 0 &&
    Number(check.unbalanced) === 0;
  console.log(
    `check: ${check.items} items (${check.distinct_items} distinct) of ${payments}; settled ${check.settled} = owed ${check.owed}; ` +
      `available left ${check.available}; unbalanced journals ${check.unbalanced} → ${ok ? 'OK' : 'MISMATCH'}`,
  );
  if (!ok) process.exitCode = 1;
} finally {
  if (worker && worker.exitCode === null) {
    await new Promise((resolve) => {
      worker.once('exit', resolve);
      worker.kill('SIGTERM');
      setTimeout(() => worker.kill('SIGKILL'), 10_000).unref();
    });
  }
  await owner.end();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
  const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.REDIS_PREFIX}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

#!/usr/bin/env node
// Capture-journal posting throughput through the ledger's one posting path (`ledger_post_journal`), as the
// runtime role lsp_app in the platform scope:
//   a) captures spread over 1,000 merchants and b) every capture on one hot merchant, each the PRODUCTION path:
//      what the events consumer runs for payment.captured (planCapture in its own transaction, then applyCapture
//      through the LedgerPostingBatcher, default LEDGER_BATCH_WINDOW / LEDGER_BATCH_MAX), as 2 worker processes
//      would (2 batchers, each with the worker's 5-connection pool and the events queue's 32 jobs in flight);
//   a1) / b1) the same postings one journal per transaction (the posting SQL alone, 8 connections), for comparison;
//   beside a bare baseline: 8 connections committing one 3-row INSERT per transaction (what the machine gives at
//   all right now; on a shared machine read the ledger figures against it, as the printed ratio does).
// Prints journals/s and the ratio to the baseline, journals per transaction, then the server time of one
// `ledger_post_journal` call measured alone (pg_stat_user_functions, one connection, no lock waits), and checks
// that the books balance and the hash chain holds.
//   node bench/ledger-postings.mjs [--postings 4000] [--connections 8]
// Needs PostgreSQL and a built API (`npx nx build api`) for its migrate script; loads libs/persistence from source
// (ts-node, transpile only).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const postings = arg('postings', 4000);
const connections = arg('connections', 8);
const merchantCount = 1000;
const suffix = randomBytes(4).toString('hex');
const dbName = `lsp_bench_${suffix}`;
const ownerUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
const appUrl = `postgres://lsp_app@127.0.0.1:5432/${dbName}`;
const env = {
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL: ownerUrl,
  JWT_SECRET: randomBytes(32).toString('base64url'),
  ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
  BOOTSTRAP_ADMIN_EMAIL: 'bench@lightspeedpay.local',
  BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password-1',
  LOG_LEVEL: 'silent',
};

// ULID-shaped ids (the schema checks the shape): 10 time characters + 16 random, Crockford base32.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let counter = 0;
const id = (prefix) => {
  let t = Date.now();
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let n = counter++;
  let tail = '';
  for (let i = 0; i < 8; i++) {
    tail = CROCKFORD[n % 32] + tail;
    n = Math.floor(n / 32);
  }
  const rand = randomBytes(8);
  let r = '';
  for (let i = 0; i < 8; i++) r += CROCKFORD[rand[i] % 32];
  return `${prefix}_${time}${r}${tail}`;
};
const p = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

if (spawnSync(process.execPath, ['dist/apps/api/migrate.js'], { cwd: root, env, stdio: 'inherit' }).status !== 0)
  process.exit(1);

const owner = new pg.Client({ connectionString: ownerUrl });
await owner.connect();
// Sessions opened from now on time their PL/pgSQL functions (functionAlone reads it).
await owner.query(`ALTER DATABASE "${dbName}" SET track_functions = 'pl'`);

// The production code, from source: the same modules the workers bundle.
const require = createRequire(import.meta.url);
require('ts-node').register({ transpileOnly: true, project: join(root, 'apps/workers/tsconfig.app.json') });
require(join(root, 'tools/jest/register-paths'));
const persistence = require('@lsp/persistence');
const platform = require('@lsp/platform');

// Set-based seed: 1,000 merchants and one captured payment per posting to come.
const { rows: gateways } = await owner.query(`SELECT id, code FROM gateways ORDER BY priority LIMIT 1`);
const merchants = Array.from({ length: merchantCount }, () => id('mer'));
await owner.query(
  `INSERT INTO merchants (id, name, email) SELECT m, 'Bench shop', lower(m) || '@bench.local' FROM unnest($1::text[]) m`,
  [merchants],
);
async function seedPayments(count, merchantOf) {
  const ids = Array.from({ length: count }, () => id('pay'));
  const owners = ids.map((_, i) => merchantOf(i));
  await owner.query(
    `INSERT INTO payments (id, merchant_id, amount, currency, method, status, gateway_id, gateway_code)
     SELECT p, m, 10000 + (random() * 90000)::int, 'INR', 'upi', 'captured', $3, $4
       FROM unnest($1::text[], $2::text[]) AS x(p, m)`,
    [ids, owners, gateways[0].id, gateways[0].code],
  );
  const { rows } = await owner.query(`SELECT id, merchant_id, amount::int FROM payments WHERE id = ANY($1)`, [ids]);
  return rows;
}

const pool = new pg.Pool({ connectionString: appUrl, max: connections });

function captureArgs(payment) {
  const commission = Math.floor((payment.amount * 200 + 5000) / 10000);
  return [
    JSON.stringify({
      id: id('jnl'),
      type: 'capture',
      reference: `capture:${payment.id}`,
      merchantId: payment.merchant_id,
      paymentId: payment.id,
      grossAmount: payment.amount,
      commissionAmount: commission,
      commissionRuleId: 'cmr_00000000000000000000000001',
      commissionRuleVersion: 1,
    }),
    ['gateway_clearing', 'merchant_pending', 'platform_commission'],
    ['INR', 'INR', 'INR'],
    [null, payment.merchant_id, null],
    [String(-payment.amount), String(payment.amount - commission), String(commission)],
    [id('ent'), id('ent'), id('ent')],
  ];
}
const POST = `SELECT posted FROM ledger_post_journal($1::jsonb, $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])`;

let baselineRate = NaN;
const rate = (count, seconds, unit) =>
  `${String(Math.round(count / seconds)).padStart(6)} ${unit}  ×${(count / seconds / baselineRate).toFixed(2)} baseline`;

async function baseline(count) {
  await owner.query(`CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, payload text NOT NULL)`);
  await owner.query(
    `GRANT SELECT, INSERT ON bench_baseline TO lsp_app; GRANT USAGE ON SEQUENCE bench_baseline_id_seq TO lsp_app`,
  );
  let next = 0;
  const latencies = [];
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        while (next++ < count) {
          const t0 = process.hrtime.bigint();
          await client.query('BEGIN');
          await client.query(`INSERT INTO bench_baseline (payload) VALUES ($1), ($1), ($1)`, [id('ent')]);
          await client.query('COMMIT');
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  baselineRate = count / seconds;
  console.log(
    `${'baseline: bare 3-row INSERT, 1 per transaction'.padEnd(62)} ${rate(count, seconds, 'txn/s     ')}   ` +
      `txn p50 ${p(latencies, 0.5).toFixed(1)} ms  p99 ${p(latencies, 0.99).toFixed(1)} ms`,
  );
}

function report(label, count, seconds, latencies, extra) {
  console.log(
    `${label.padEnd(62)} ${rate(count, seconds, 'journals/s')}   ` +
      `p50 ${p(latencies, 0.5).toFixed(1)} ms  p99 ${p(latencies, 0.99).toFixed(1)} ms   ${extra}`,
  );
}

// The posting SQL alone, one journal per transaction, on `connections` connections.
async function singles(label, payments) {
  const latencies = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        while (next < payments.length) {
          const payment = payments[next++];
          const t0 = process.hrtime.bigint();
          await client.query(`BEGIN; SELECT set_config('app.scope', 'platform', true)`);
          await client.query(POST, captureArgs(payment));
          await client.query('COMMIT');
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  report(
    label,
    payments.length,
    seconds,
    latencies,
    `1.0 journals/txn  (${payments.length} in ${seconds.toFixed(1)} s)`,
  );
}

// What the events consumer runs: each worker process has one batcher over its own 5-connection pool and the events
// queue's jobs in flight, each job awaiting its capture's posting.
const WORKER_PROCESSES = 2;
const EVENTS_JOBS_IN_FLIGHT = 32;
const WORKER_POOL = 5;

async function production(label, payments) {
  const config = platform.loadConfig(env);
  let batches = 0;
  const workers = await Promise.all(
    Array.from({ length: WORKER_PROCESSES }, async () => {
      const dataSource = persistence.dataSourceFor(config, 'app', WORKER_POOL);
      await dataSource.initialize();
      const db = new persistence.Database(dataSource);
      const batchDb = new persistence.Database(dataSource);
      const batchTransaction = batchDb.platform.bind(batchDb);
      batchDb.platform = (work) => {
        batches++;
        return batchTransaction(work);
      };
      const batcher = new persistence.LedgerPostingBatcher(batchDb, {
        windowMs: config.ledgerBatchWindowMs,
        maxSize: config.ledgerBatchMax,
      });
      return { dataSource, db, batcher };
    }),
  );
  const latencies = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    workers.flatMap(({ db, batcher }) =>
      Array.from({ length: EVENTS_JOBS_IN_FLIGHT }, async () => {
        while (next < payments.length) {
          const payment = payments[next++];
          const t0 = process.hrtime.bigint();
          // As PostLedgerJournalHandler does for payment.captured.
          const plan = await db.platform((em) => persistence.planCapture(em, payment.id));
          const posted = await persistence.applyCapture(plan, (posting) => batcher.postJournal(posting));
          if (!posted.created) throw new Error(`capture of ${payment.id} was not posted`);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  await Promise.all(workers.map((w) => w.dataSource.destroy()));
  report(
    label,
    payments.length,
    seconds,
    latencies,
    `${(payments.length / batches).toFixed(1)} journals/batch txn  ` +
      `node CPU ${((used.user + used.system) / 1000 / payments.length).toFixed(2)} ms/journal  ` +
      `(${payments.length} in ${seconds.toFixed(1)} s)`,
  );
}

// Server time of one ledger_post_journal call with nothing to wait for (one connection), and of the deferred
// checks it leaves for COMMIT: load-insensitive enough to judge a figure taken on a busy machine.
async function functionAlone(payments) {
  const functionTimes = async () => {
    const { rows } = await owner.query(
      `SELECT funcname, calls::int, total_time FROM pg_stat_user_functions
        WHERE funcname IN ('ledger_post_journal', 'ledger_check_entries_balance', 'ledger_check_journal_entries')`,
    );
    return Object.fromEntries(rows.map((r) => [r.funcname, r]));
  };
  const before = await functionTimes();
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  for (const payment of payments) {
    await client.query(`BEGIN; SELECT set_config('app.scope', 'platform', true)`);
    await client.query(POST, captureArgs(payment));
    await client.query('COMMIT');
  }
  await client.end(); // a backend reports its function statistics when it exits
  let after = await functionTimes();
  for (
    let i = 0;
    i < 20 && (after.ledger_post_journal?.calls ?? 0) - (before.ledger_post_journal?.calls ?? 0) < payments.length;
    i++
  ) {
    await new Promise((r) => setTimeout(r, 100));
    after = await functionTimes();
  }
  const per = (name) => ((after[name]?.total_time ?? 0) - (before[name]?.total_time ?? 0)) / payments.length;
  console.log(
    `\nledger_post_journal alone (1 connection, ${payments.length} calls): ${per('ledger_post_journal').toFixed(3)} ms/journal in the function, ` +
      `${(per('ledger_check_entries_balance') + per('ledger_check_journal_entries')).toFixed(3)} ms/journal in the deferred checks at COMMIT`,
  );
}
// Ctrl-C still drops the bench database.
process.on('SIGINT', () => {
  process.exitCode = 130;
  pool.end().finally(() => owner.end().finally(dropDatabase));
});

async function dropDatabase() {
  const root = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await root.connect();
  await root.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await root.end();
}

try {
  const hot = merchants[0];
  const spread = await seedPayments(postings, (i) => merchants[i % merchantCount]);
  const hotBatched = await seedPayments(postings, () => hot);
  const spreadSingles = await seedPayments(Math.ceil(postings / 2), (i) => merchants[i % merchantCount]);
  const hotSingles = await seedPayments(Math.ceil(postings / 2), () => hot);
  const alone = await seedPayments(300, () => hot);
  await owner.query(`VACUUM ANALYZE`);
  console.log(
    `\nledger postings, one capture journal = 3 entries; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  await baseline(postings);
  await production(`a) 1,000 merchants, production path (batcher)`, spread);
  await production(`b) one hot merchant, production path (batcher)`, hotBatched);
  await singles(`a1) 1,000 merchants, 1 journal per transaction`, spreadSingles);
  await singles(`b1) one hot merchant, 1 journal per transaction`, hotSingles);
  await functionAlone(alone);
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const checkDataSource = persistence.dataSourceFor(platform.loadConfig(env), 'app', 1);
  await checkDataSource.initialize();
  const checks = await new persistence.Database(checkDataSource).platform(async (em) =>
    Promise.all(
      ['journals-balanced', 'currency-zero-sum', 'account-balances', 'hash-chain'].map((check) =>
        persistence.runLedgerCheck(em, check),
      ),
    ),
  );
  await checkDataSource.destroy();
  const { rows } = await owner.query(`SELECT count(*)::int AS journals FROM ledger_journals`);
  console.log(
    `checked: ${rows[0].journals} journals; ` +
      checks.map((c) => `${c.check} ${c.ok ? 'ok' : `BROKEN (${c.breaks[0]?.message})`}`).join(', '),
  );
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
} finally {
  await pool.end();
  await owner.end();
  await dropDatabase();
}

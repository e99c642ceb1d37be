#!/usr/bin/env node
// Capture-journal posting throughput through the ledger's one posting path (`ledger_post_journal`, the SQL the
// ledger repository sends), as the runtime role lsp_app in the platform scope, one journal per transaction:
//   a) captures spread over 1,000 merchants,  b) every capture on one hot merchant,
//   c) the hot merchant again with 20 journals per transaction (how a batching consumer would post),
//   beside a bare baseline: the same connections committing one 3-row INSERT per transaction (what the machine
//   gives at all right now; on a shared machine read the ledger figures against it).
// Prints journals/s and per-transaction latency p50/p99, then checks the books balance.
//   node bench/ledger-postings.mjs [--postings 2000] [--connections 8]
// Needs PostgreSQL and a built API (`npx nx build api`) for its migrate script.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const postings = arg('postings', 2000);
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
  console.log(
    `${'baseline: bare 3-row INSERT, 1 per transaction'.padEnd(58)} ${String(Math.round(count / seconds)).padStart(6)} txn/s       ` +
      `txn p50 ${p(latencies, 0.5).toFixed(1)} ms  p99 ${p(latencies, 0.99).toFixed(1)} ms`,
  );
}

async function run(label, payments, perTransaction) {
  const batches = [];
  for (let i = 0; i < payments.length; i += perTransaction) batches.push(payments.slice(i, i + perTransaction));
  const latencies = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        while (next < batches.length) {
          const batch = batches[next++];
          const t0 = process.hrtime.bigint();
          await client.query(`BEGIN; SELECT set_config('app.scope', 'platform', true)`);
          for (const payment of batch) await client.query(POST, captureArgs(payment));
          await client.query('COMMIT');
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${label.padEnd(58)} ${String(Math.round(payments.length / seconds)).padStart(6)} journals/s   ` +
      `txn p50 ${p(latencies, 0.5).toFixed(1)} ms  p99 ${p(latencies, 0.99).toFixed(1)} ms   (${payments.length} in ${seconds.toFixed(1)} s)`,
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
  const hotSingles = await seedPayments(postings, () => hot);
  const hotBatched = await seedPayments(postings, () => hot);
  console.log(`\nledger postings, ${connections} connections, one capture journal = 3 entries\n`);
  await baseline(postings);
  await run(`a) 1,000 merchants, 1 journal per transaction`, spread, 1);
  await run(`b) one hot merchant, 1 journal per transaction`, hotSingles, 1);
  await run(`c) one hot merchant, 20 journals per transaction`, hotBatched, 20);
  const { rows } = await owner.query(
    `SELECT (SELECT count(*) FROM ledger_journals)::int AS journals,
            (SELECT coalesce(sum(amount), 0) FROM ledger_entries)::bigint AS total,
            (SELECT count(*) FROM ledger_accounts a WHERE a.balance <> (CASE a.normal_side WHEN 'credit' THEN 1 ELSE -1 END)
               * (SELECT coalesce(sum(e.amount), 0) FROM ledger_entries e WHERE e.account_id = a.id))::int AS off`,
  );
  console.log(
    `\nchecked: ${rows[0].journals} journals, entries sum to ${rows[0].total}, accounts off their entries: ${rows[0].off}`,
  );
} finally {
  await pool.end();
  await owner.end();
  await dropDatabase();
}

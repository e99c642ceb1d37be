#!/usr/bin/env node
// Measures what authentication costs a merchant call, against bare baselines measured in the same run:
//   1. bare Fastify answering {"status":"ok"} (no Nest, no hooks)              — the floor
//   2. the API's GET /health/live (Nest + our hooks: request id, metrics, logs) — framework overhead
//   3. the API's GET /api/v1/merchant/credentials with an API key              — auth (cached) + Redis rate limit + RLS query
// Needs a built API (`npx nx build api`), PostgreSQL and Redis. Prints requests/s, p50/p99 latency and ratios.
//   node bench/auth-hot-path.mjs [--duration 10] [--connections 20]
import { spawn, spawnSync } from 'node:child_process';
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
const duration = arg('duration', 10);
const connections = arg('connections', 20);

const suffix = randomBytes(4).toString('hex');
const dbName = `lsp_bench_${suffix}`;
const env = {
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
  REDIS_PREFIX: `lsp_bench_${suffix}`,
  JWT_SECRET: randomBytes(32).toString('base64url'),
  ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
  BOOTSTRAP_ADMIN_EMAIL: 'bench@lightspeedpay.local',
  BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password-1',
  LOG_LEVEL: 'silent',
  CONSOLE_DIST: '',
  PORT: String(39_000 + Math.floor(Math.random() * 1000)),
};
const base = `http://127.0.0.1:${env.PORT}`;

function run(url, headers = {}) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, headers }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}
const fmt = (r) => ({
  rps: Math.round(r.requests.average),
  p50: r.latency.p50,
  p99: r.latency.p99,
  non2xx: r.non2xx,
});

const migrate = spawnSync(process.execPath, ['dist/apps/api/migrate.js'], { cwd: root, env, stdio: 'inherit' });
if (migrate.status !== 0) process.exit(1);
const api = spawn(process.execPath, ['dist/apps/api/main.js'], { cwd: root, env, stdio: 'inherit' });
const results = {};
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
  const created = await (
    await fetch(`${base}/api/v1/admin/merchants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.accessToken}` },
      body: JSON.stringify({ name: 'Bench', email: 'bench@merchant.in', rateLimitPerMinute: 1_000_000 }),
    })
  ).json();

  const bare = Fastify();
  bare.get('/', async () => ({ status: 'ok' }));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

  console.log(`\nautocannon: ${connections} connections × ${duration} s each, one API process, 2-core machine\n`);
  results.bareFastify = fmt(await run(bareUrl));
  results.apiHealthLive = fmt(await run(`${base}/health/live`));
  results.apiKeyCredentials = fmt(
    await run(`${base}/api/v1/merchant/credentials`, { authorization: `Bearer ${created.apiKey.secret}` }),
  );
  await bare.close();

  console.table(results);
  const ratio = (a, b) => (results[a].rps / results[b].rps).toFixed(2);
  console.log(`health/live vs bare Fastify:            ${ratio('apiHealthLive', 'bareFastify')}× the throughput`);
  console.log(`API-key call vs health/live (same app): ${ratio('apiKeyCredentials', 'apiHealthLive')}× the throughput`);
  console.log(`API-key call vs bare Fastify:           ${ratio('apiKeyCredentials', 'bareFastify')}× the throughput`);
} finally {
  api.kill('SIGTERM');
  await new Promise((r) => api.once('exit', r));
  const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await client.end();
}

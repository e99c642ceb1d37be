#!/usr/bin/env node
// `npm start`: build what is stale, prepare the database, then run the API (serving the console at /) and the
// workers in the foreground. Ctrl-C stops both; if either dies, the other is stopped too.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' };

function say(message) {
  process.stdout.write(`\x1b[36m[start]\x1b[0m ${message}\n`);
}

// Development secrets: generated once, kept in .lsp-dev/ (git-ignored) so sessions survive restarts and the
// API and workers agree. Production must set them (the config refuses to boot without them).
if (env.NODE_ENV !== 'production' && (!env.JWT_SECRET || !env.ENCRYPTION_KEYS)) {
  const file = join(root, '.lsp-dev', 'secrets.json');
  let secrets;
  if (existsSync(file)) {
    secrets = JSON.parse(readFileSync(file, 'utf8'));
  } else {
    secrets = {
      JWT_SECRET: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  env.JWT_SECRET ||= secrets.JWT_SECRET;
  env.ENCRYPTION_KEYS ||= secrets.ENCRYPTION_KEYS;
  say('warning: JWT_SECRET/ENCRYPTION_KEYS not set; using development secrets from .lsp-dev/secrets.json');
}

say('building api, workers and admin-console (cached when unchanged)…');
const build = spawnSync(
  'npx',
  ['nx', 'run-many', '-t', 'build', '-p', 'api', 'workers', 'admin-console', '--output-style=static'],
  {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
if (build.status !== 0) {
  process.stdout.write(build.stdout);
  say('build failed');
  process.exit(build.status ?? 1);
}

say('preparing the database (create if absent, migrate, first admin)…');
const migrate = spawnSync(process.execPath, ['dist/apps/api/migrate.js'], { cwd: root, env, stdio: 'inherit' });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const children = new Map();
let stopping = false;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const child of children.values()) if (child.exitCode === null) child.kill('SIGTERM');
  // Whatever has not finished its graceful shutdown in 30 s is ended.
  setTimeout(() => {
    for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
  }, 30_000).unref();
}

for (const [name, script] of [
  ['api', 'dist/apps/api/main.js'],
  ['workers', 'dist/apps/workers/main.js'],
]) {
  // The workers share this host with the API and PostgreSQL: background work yields the CPU to requests.
  const childEnv = name === 'workers' ? { WORKER_NICE: '19', ...env } : env;
  const child = spawn(process.execPath, [script], { cwd: root, env: childEnv, stdio: 'inherit' });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping the others`);
      stopAll(code || 1);
    }
  });
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
say(
  `API and console on http://localhost:${env.PORT ?? 3000}  (OpenAPI: /api/docs) · workers health on :${env.WORKERS_HEALTH_PORT ?? 3001} · Ctrl-C stops all`,
);

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import {
  API_LOG,
  API_MAIN,
  API_MIGRATE,
  CONSOLE_DIST,
  POSTGRES_ADMIN_URL,
  SCREENSHOT_DIR,
  STATE_FILE,
  WORKERS_LOG,
  WORKERS_MAIN,
  WORKSPACE_ROOT,
} from './paths';
import { setApiProcess, setWorkersProcess } from './api-process';

export interface E2eState {
  databaseName: string;
  redisPrefix: string;
  apiPid: number | null;
  workersPid: number | null;
}

const READY_TIMEOUT_MS = 90_000;

/**
 * Fresh world per run: a new database (random name), a new Redis key prefix, migrations, the bootstrap admin,
 * then the built API serving the built console on a free port, and the built workers (outbox relay → live
 * streams) with their health server on another. Specs read the URL and admin credentials from
 * process.env; global-teardown stops both processes and drops everything.
 */
export default async function globalSetup(): Promise<void> {
  for (const [file, what] of [
    [API_MAIN, 'the API build (npx nx build api)'],
    [API_MIGRATE, 'the migration script (npx nx build api)'],
    [WORKERS_MAIN, 'the workers build (npx nx build workers)'],
    [resolve(WORKSPACE_ROOT, CONSOLE_DIST, 'index.html'), 'the console build (npx nx build admin-console)'],
  ] as const) {
    if (!existsSync(file)) {
      throw new Error(`console-e2e: ${file} is missing; build ${what} first (npx nx test console-e2e does).`);
    }
  }

  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  const suffix = randomBytes(6).toString('hex');
  const databaseName = `lsp_e2e_${suffix}`;
  const redisPrefix = `lsp_e2e_${suffix}`;
  const adminEmail = 'admin@e2e.test';
  const adminPassword = `E2e-${randomBytes(18).toString('base64url')}`;
  const databaseUrl = new URL(POSTGRES_ADMIN_URL);
  databaseUrl.pathname = `/${databaseName}`;

  const state: E2eState = { databaseName, redisPrefix, apiPid: null, workersPid: null };
  writeFileSync(STATE_FILE, JSON.stringify(state));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl.toString(),
    REDIS_PREFIX: redisPrefix,
    BOOTSTRAP_ADMIN_EMAIL: adminEmail,
    BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
    NODE_ENV: 'test',
    JWT_SECRET: randomBytes(36).toString('base64url'), // 48 characters
    ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    // Every spec signs in as the same admin; the login limit (10 per email per 15 min) has its own API tests.
    LOGIN_MAX_PER_EMAIL: '1000',
    // All specs sign in from 127.0.0.1, browser and API helpers alike: more than 30 a minute (the default).
    LOGIN_MAX_PER_IP: '10000',
    // The developer spec's webhook receiver listens on loopback.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    // Short retries (API.md §1), so the developer spec sees a delivery's 4 attempts (500, 500, 500, 200) in seconds.
    WEBHOOK_RETRY_SCHEDULE: '0,1s,1s,1s',
  };

  try {
    await createDatabase(databaseName);

    const migrate = spawnSync(process.execPath, [API_MIGRATE], {
      cwd: WORKSPACE_ROOT,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (migrate.status !== 0) {
      throw new Error(
        `console-e2e: migrate.js failed (exit ${migrate.status ?? migrate.signal}):\n${migrate.stdout}\n${migrate.stderr}`,
      );
    }

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    // Gateway callbacks (the sandbox's) go to PUBLIC_BASE_URL: it must be this API.
    env['PORT'] = String(port);
    env['PUBLIC_BASE_URL'] = baseUrl;
    const api = spawn(process.execPath, [API_MAIN], {
      cwd: WORKSPACE_ROOT,
      env: { ...env, CONSOLE_DIST },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pipeTo(api, API_LOG);
    setApiProcess(api);
    state.apiPid = api.pid ?? null;
    writeFileSync(STATE_FILE, JSON.stringify(state));
    await waitUntilReady(`${baseUrl}/health/ready`, api, 'API', API_LOG);

    // The workers relay the transactional outbox to the events queue and on to the live transactions stream.
    const workersHealthPort = await freePort();
    const workers = spawn(process.execPath, [WORKERS_MAIN], {
      cwd: WORKSPACE_ROOT,
      env: { ...env, WORKERS_HEALTH_PORT: String(workersHealthPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pipeTo(workers, WORKERS_LOG);
    setWorkersProcess(workers);
    state.workersPid = workers.pid ?? null;
    writeFileSync(STATE_FILE, JSON.stringify(state));
    await waitUntilReady(`http://127.0.0.1:${workersHealthPort}/health/ready`, workers, 'workers', WORKERS_LOG);

    process.env['E2E_BASE_URL'] = baseUrl;
    process.env['E2E_ADMIN_EMAIL'] = adminEmail;
    process.env['E2E_ADMIN_PASSWORD'] = adminPassword;
  } catch (error) {
    // Jest skips globalTeardown when globalSetup throws: clean up here.
    const { default: globalTeardown } = await import('./global-teardown');
    await globalTeardown();
    throw error;
  }
}

async function createDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    // The name is generated above from hex digits only, so quoting it is enough.
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function pipeTo(child: ChildProcess, file: string): void {
  const log = createWriteStream(file);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
}

async function waitUntilReady(readyUrl: string, child: ChildProcess, name: string, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `console-e2e: the ${name} exited (${child.exitCode ?? child.signalCode}) before it was ready. Log:\n${tail(logFile)}`,
      );
    }
    try {
      const response = await fetch(readyUrl, {
        signal: AbortSignal.timeout(2_000),
      });
      if (response.status === 200) {
        return;
      }
      lastProblem = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `console-e2e: ${readyUrl} not 200 within ${READY_TIMEOUT_MS / 1000} s (${lastProblem}). Log:\n${tail(logFile)}`,
  );
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '(no log)';
  }
}

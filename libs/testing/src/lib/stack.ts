import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';

/**
 * The built platform as separate OS processes — N API replicas and M worker processes behind one PostgreSQL
 * database and one Redis prefix — for end-to-end tests of what only shows across processes: callbacks between
 * replicas, shared rate limits, the outbox relay, scheduled workers, a worker killed with SIGKILL.
 */
export interface StackProcess {
  name: string;
  url: string;
  child: ChildProcess;
}

export interface Stack {
  env: Record<string, string>;
  apis: StackProcess[];
  workers: StackProcess[];
  adminEmail: string;
  adminPassword: string;
  startWorker(): Promise<StackProcess>;
  stop(): Promise<void>;
}

const OWNER_URL = process.env['TEST_DATABASE_OWNER_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startStack(options: {
  root: string;
  logDir: string;
  apis: number;
  workers: number;
  env?: Record<string, string>;
}): Promise<Stack> {
  const suffix = randomBytes(5).toString('hex');
  const dbName = `lsp_e2e_${suffix}`;
  const dbUrl = new URL(OWNER_URL);
  dbUrl.pathname = `/${dbName}`;
  const adminEmail = 'admin@e2e.test';
  const adminPassword = `E2e-${randomBytes(12).toString('base64url')}`;
  const apiPorts = await Promise.all(Array.from({ length: options.apis }, () => freePort()));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    DATABASE_URL: dbUrl.toString(),
    REDIS_PREFIX: `lsp_e2e_${suffix}`,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    BOOTSTRAP_ADMIN_EMAIL: adminEmail,
    BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
    CONSOLE_DIST: '',
    LOG_LEVEL: 'info',
    // Gateways call back the first replica; the others must still see the outcome (one database).
    PUBLIC_BASE_URL: `http://127.0.0.1:${apiPorts[0]}`,
    // The sandbox failure scenarios are asserted attempt by attempt; a test of the breaker itself sets its own.
    CIRCUIT_FAILURE_THRESHOLD: '1000',
    ...options.env,
  };
  mkdirSync(options.logDir, { recursive: true });
  const migrate = spawnSync(process.execPath, ['dist/apps/api/migrate.js'], {
    cwd: options.root,
    env,
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`migrate failed: ${migrate.stderr}`);

  const launched: StackProcess[] = [];
  const launch = async (name: string, script: string, port: number, readyUrl: string): Promise<StackProcess> => {
    const child = spawn(process.execPath, [script], {
      cwd: options.root,
      env: { ...env, PORT: String(port), WORKERS_HEALTH_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(options.logDir, `${name}.log`));
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const proc = { name, url: `http://127.0.0.1:${port}`, child };
    launched.push(proc);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited during start (see ${name}.log)`);
      try {
        if ((await fetch(readyUrl)).ok) return proc;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${name} not ready within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  let workerCount = 0;
  const startWorker = async (): Promise<StackProcess> => {
    const port = await freePort();
    return launch(
      `workers-${++workerCount}`,
      'dist/apps/workers/main.js',
      port,
      `http://127.0.0.1:${port}/health/ready`,
    );
  };

  const stop = async (): Promise<void> => {
    await Promise.all(
      launched.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
            p.child.once('exit', () => resolve());
            p.child.kill('SIGTERM');
            setTimeout(() => p.child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    const client = new Client({ connectionString: OWNER_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).finally(() => client.end());
    const redis = new Redis(env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${env['REDIS_PREFIX']}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  };

  try {
    const apis: StackProcess[] = [];
    for (const [i, port] of apiPorts.entries()) {
      apis.push(await launch(`api-${i + 1}`, 'dist/apps/api/main.js', port, `http://127.0.0.1:${port}/health/ready`));
    }
    const workers: StackProcess[] = [];
    for (let i = 0; i < options.workers; i++) workers.push(await startWorker());
    return { env, apis, workers, adminEmail, adminPassword, startWorker, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

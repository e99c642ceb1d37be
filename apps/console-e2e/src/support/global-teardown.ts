import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { E2eState } from './global-setup';
import { getApiProcess, getWorkersProcess, setApiProcess, setWorkersProcess } from './api-process';
import { POSTGRES_ADMIN_URL, STATE_FILE } from './paths';

/** Stops the workers and the API, drops the run's database and deletes its Redis keys. Safe to run twice. */
export default async function globalTeardown(): Promise<void> {
  const state = readState();
  // Workers first: they hold database connections and BullMQ consumers on the run's Redis prefix.
  await stopProcess(getWorkersProcess(), state?.workersPid ?? null);
  setWorkersProcess(undefined);
  await stopProcess(getApiProcess(), state?.apiPid ?? null);
  setApiProcess(undefined);
  if (!state) {
    return;
  }
  await dropDatabase(state.databaseName);
  await deleteRedisKeys(state.redisPrefix);
}

function readState(): E2eState | null {
  if (!existsSync(STATE_FILE)) {
    return null;
  }
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2eState;
  } catch {
    return null;
  }
}

async function stopProcess(child: ChildProcess | undefined, pid: number | null): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), 10_000);
      }),
    ]);
    // A pending timer would keep Jest alive after the run.
    clearTimeout(timer);
    if (!stopped) {
      child.kill('SIGKILL');
      await exited;
    }
    return;
  }
  // Only the pid survives if setup and teardown ran in different processes.
  if (!child && pid !== null) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

async function dropDatabase(name: string): Promise<void> {
  if (!/^lsp_e2e_[0-9a-f]+$/.test(name)) {
    throw new Error(`console-e2e: refusing to drop unexpected database ${name}`);
  }
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  if (!/^lsp_e2e_[0-9a-f]+$/.test(prefix)) {
    return;
  }
  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } catch {
    // Redis cleanup is hygiene, not correctness: keys of a dead prefix are never read again.
  } finally {
    redis.disconnect();
  }
}

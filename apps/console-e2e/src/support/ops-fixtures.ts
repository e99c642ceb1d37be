import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { E2eState } from './global-setup';
import { POSTGRES_ADMIN_URL, STATE_FILE } from './paths';

/**
 * Arrangement for the operations pages that the public API cannot do: raise an alert the way the workers' rules
 * do (row + notification, dispatched to the `alerts` stream by the running workers) and publish operations
 * stream messages in the shape of libs/queues `publishStreamMessage` (which this console-scoped project may not
 * import), for streams whose publishers are other processes' concern.
 */

function state(): E2eState {
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2eState;
}

async function withDatabase<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${state().databaseName}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function withRedis<T>(work: (redis: Redis, prefix: string) => Promise<T>): Promise<T> {
  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  try {
    return await work(redis, state().redisPrefix);
  } finally {
    redis.disconnect();
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * An alert id (`alr_` + ULID) as the API issues them: time first, so it sorts with the alerts the workers raise.
 * Built here because this project's Jest setup resolves no workspace library at run time.
 */
function alertId(now = Date.now()): string {
  let time = '';
  for (let rest = now, i = 0; i < 10; i++, rest = Math.floor(rest / 32)) {
    time = CROCKFORD[rest % 32] + time;
  }
  const random = Array.from(randomBytes(16), (byte) => CROCKFORD[byte % 32]).join('');
  return `alr_${time}${random}`;
}

export interface TestAlert {
  fingerprint: string;
  title: string;
  message: string;
  severity: 'info' | 'warning' | 'critical';
}

/** Inserts an open alert and its `raised` notification in one transaction, as `raiseAlert` does; returns its id. */
export function raiseAlert(alert: TestAlert): Promise<string> {
  const id = alertId();
  return withDatabase(async (client) => {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO alerts (id, fingerprint, severity, source, title, message, details)
       VALUES ($1, $2, $3, 'e2e/console', $4, $5, $6)`,
      [id, alert.fingerprint, alert.severity, alert.title, alert.message, JSON.stringify({ raisedBy: 'console-e2e' })],
    );
    await client.query(`INSERT INTO alert_notifications (alert_id, kind) VALUES ($1, 'raised')`, [id]);
    await client.query('COMMIT');
    return id;
  });
}

/** Appends to the stream's resume buffer, then fans out on its channel — the order publishStreamMessage uses. */
export function publishOperationsMessage(stream: string, type: string, data: unknown): Promise<string> {
  return withRedis(async (redis, prefix) => {
    const body = { stream, type, at: new Date().toISOString(), merchantId: null, data };
    const id = await redis.xadd(
      `${prefix}:stream-buffer:${stream}`,
      'MAXLEN',
      '~',
      '1000',
      '*',
      'message',
      JSON.stringify(body),
    );
    if (!id) {
      throw new Error('XADD returned no id');
    }
    await redis.publish(`${prefix}:stream:${stream}`, JSON.stringify({ id, ...body }));
    return id;
  });
}

/** The id of the most recently completed job of a queue (BullMQ keeps a sorted set per state). */
export function latestCompletedJobId(queue: string): Promise<string | null> {
  return withRedis(async (redis, prefix) => {
    const [id] = await redis.zrevrange(`${prefix}:bull:${queue}:completed`, 0, 0);
    return id ?? null;
  });
}

/**
 * A job the running workers fail at once: its payload does not match its declared shape, so the dispatcher fails
 * it without retries, as it would a job from a buggy producer. Retrying it fails it again the same way.
 * Resolves with the job's id once it has failed.
 */
export async function failingJob(queue: string, name: string, id: string): Promise<string> {
  const redisUrl = new URL(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  const producer = new Queue(queue, {
    connection: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) },
    prefix: `${state().redisPrefix}:bull`,
  });
  try {
    await producer.add(name, { e2e: 'not the declared payload' }, { jobId: id, attempts: 1 });
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      if ((await producer.getJobState(id)) === 'failed') {
        return id;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`job ${id} of ${queue} did not fail within 30 s`);
  } finally {
    await producer.close();
  }
}

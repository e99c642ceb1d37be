import { getPriority } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type {
  ListResponse,
  QueueCleanResponse,
  QueueSummary,
  StreamTicketResponse,
  SystemStatusView,
  WorkerView,
} from '@lsp/contracts';
import { type Stack, eventually, startStack } from '@lsp/testing';

const ROOT = join(__dirname, '../../..');
// Lower than the test runner's own priority, whatever it was started with.
const WORKER_NICE = Math.min(19, getPriority() + 5);

/** The fields of the stream messages these tests read (queue-stats, worker-health, system-status). */
interface StreamJson {
  stream: string;
  type: string;
  merchantId: string | null;
  data: {
    queues: QueueSummary[];
    workers: WorkerView[];
    components: SystemStatusView['components'];
    status: SystemStatusView['status'];
  };
}

interface SseEvent {
  id?: string;
  event: string;
  json: StreamJson;
}

/** A minimal SSE reader over fetch: collects events until closed. */
class Sse {
  readonly events: SseEvent[] = [];
  private readonly controller = new AbortController();

  static async open(url: string, headers: Record<string, string> = {}): Promise<Sse> {
    const sse = new Sse();
    const res = await fetch(url, { headers, signal: sse.controller.signal });
    if (res.status !== 200) throw new Error(`stream ${url}: ${res.status} ${await res.text()}`);
    void sse.pump(res.body as ReadableStream<Uint8Array>);
    return sse;
  }

  find(match: (e: SseEvent) => boolean, timeoutMs = 20_000): Promise<SseEvent> {
    return eventually(async () => this.events.find(match), timeoutMs);
  }

  close(): void {
    this.controller.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const fields: Record<string, string> = {};
          for (const line of buffer.slice(0, end).split('\n')) {
            const colon = line.indexOf(':');
            if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
          }
          buffer = buffer.slice(end + 2);
          if (fields['data'] !== undefined) {
            this.events.push({
              id: fields['id'],
              event: fields['event'] ?? 'message',
              json: JSON.parse(fields['data']) as StreamJson,
            });
          }
        }
      }
    } catch {
      // aborted
    }
  }
}

/**
 * The operations plane through real processes: two API replicas and two workers. The workers' samplers publish
 * the operations streams, which clients read from either replica (and resume on the other); queue actions on one
 * replica reach the workers; a frozen worker (SIGSTOP) turns stale, alerts, and recovers when it runs again.
 */
describe('operations plane end to end, two APIs and two workers', () => {
  let stack: Stack;
  let admin: string;
  let db: Client;
  const streams: Sse[] = [];

  const call = async <T>(method: string, url: string, body?: unknown) => {
    const res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const open = async (apiIndex: number, stream: string, lastEventId?: string) => {
    const ticket = await call<StreamTicketResponse>(
      'POST',
      `${stack.apis[1 - apiIndex].url}/api/v1/streams/ticket`,
      {},
    );
    const sse = await Sse.open(
      `${stack.apis[apiIndex].url}/api/v1/streams/${stream}?ticket=${ticket.body.ticket}`,
      lastEventId ? { 'last-event-id': lastEventId } : {},
    );
    streams.push(sse);
    return sse;
  };
  const workersList = async () =>
    (await call<ListResponse<WorkerView>>('GET', `${stack.apis[0].url}/api/v1/admin/workers`)).body.data;

  beforeAll(async () => {
    stack = await startStack({
      root: ROOT,
      logDir: join(ROOT, 'apps/platform-e2e/test-output/logs-operations'),
      apis: 2,
      workers: 2,
      env: {
        MONITOR_INTERVAL: '500ms',
        WORKER_STALE_AFTER: '10s',
        STREAM_HEARTBEAT_INTERVAL: '1s',
        WORKER_NICE: String(WORKER_NICE),
      },
    });
    const login = await fetch(`${stack.apis[0].url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: stack.adminEmail, password: stack.adminPassword }),
    });
    admin = ((await login.json()) as { accessToken: string }).accessToken;
    db = new Client({ connectionString: stack.env['DATABASE_URL'] });
    await db.connect();
  }, 120_000);
  afterAll(async () => {
    for (const s of streams) s.close();
    await db?.end();
    await stack?.stop();
  });

  it('runs the workers at WORKER_NICE and leaves the API at the priority it was started with', () => {
    expect(WORKER_NICE).toBeGreaterThan(getPriority());
    expect(stack.workers.map((w) => getPriority(w.child.pid))).toEqual([WORKER_NICE, WORKER_NICE]);
    expect(stack.apis.map((a) => getPriority(a.child.pid))).toEqual([getPriority(), getPriority()]);
  });

  it('delivers what the workers publish to clients of either API, and resumes on the other', async () => {
    const onA = await open(0, 'queue-stats');
    const onB = await open(1, 'queue-stats');
    // B opened after A, so whatever B received, A received too.
    const first = await onB.find((e) => e.event === 'queue.stats');
    await onA.find((e) => e.id === first.id);
    expect(first.json).toMatchObject({ stream: 'queue-stats', type: 'queue.stats', merchantId: null });
    expect(first.json.data.queues.map((q: { name: string }) => q.name)).toEqual(
      expect.arrayContaining(['events', 'payments', 'maintenance', 'monitoring']),
    );

    // Disconnect after the first message, reconnect to the other replica: everything since is replayed, in order.
    onA.close();
    const resumed = await open(1, 'queue-stats', first.id);
    const later = await resumed.find((e) => e.event === 'queue.stats');
    expect(resumed.events.some((e) => e.event === 'stream.truncated')).toBe(false);
    const fromB = onB.events.map((e) => e.id);
    expect(fromB.indexOf(later.id as string)).toBe(fromB.indexOf(first.id as string) + 1);

    const workerHealth = await open(1, 'worker-health');
    const health = await workerHealth.find((e) => e.json.data.workers.length === 2);
    expect(health.json.data.workers.map((w: WorkerView) => w.status)).toEqual(['healthy', 'healthy']);

    const status = await (await open(0, 'system-status')).find((e) => e.event === 'system.status');
    const components: SystemStatusView['components'] = status.json.data.components;
    expect(components.filter((c) => c.kind === 'queue').every((c) => c.status !== 'down')).toBe(true);
    expect(components.filter((c) => c.kind === 'worker').map((c) => c.status)).toEqual(['operational', 'operational']);
    expect(status.json.data.status).not.toBe('down');

    const rest = await call<SystemStatusView>('GET', `${stack.apis[1].url}/api/v1/admin/system-status`);
    expect(rest.body.components.map((c) => c.name)).toEqual(expect.arrayContaining(['postgresql', 'redis', 'outbox']));
    for (const url of [`${stack.apis[0].url}/metrics`, `${stack.workers[0].url}/metrics`]) {
      expect(await (await fetch(url)).text()).toMatch(/^lsp_system_status [01]$/m);
    }
  });

  it('pauses a queue through one API for every worker, seen by the collector, and cleans it', async () => {
    const pause = await call<QueueSummary>('POST', `${stack.apis[1].url}/api/v1/admin/queues/pause`, {
      queue: 'maintenance',
      paused: true,
    });
    expect(pause.body.isPaused).toBe(true);
    const stats = await open(0, 'queue-stats');
    await stats.find((e) => e.json.data.queues.some((q: QueueSummary) => q.name === 'maintenance' && q.isPaused));
    const listed = await call<ListResponse<QueueSummary>>('GET', `${stack.apis[0].url}/api/v1/admin/queues`);
    expect(listed.body.data.find((q) => q.name === 'maintenance')?.isPaused).toBe(true);
    await call('POST', `${stack.apis[0].url}/api/v1/admin/queues/pause`, { queue: 'maintenance', paused: false });

    // The monitoring queue completes jobs every tick: there is always something to clean.
    const monitoring = await eventually(async () => {
      const q = (
        await call<ListResponse<QueueSummary>>('GET', `${stack.apis[0].url}/api/v1/admin/queues`)
      ).body.data.find((x) => x.name === 'monitoring');
      return q && q.completed > 0 && q.throughputPerMinute > 0 ? q : undefined;
    });
    const cleaned = await call<QueueCleanResponse>('DELETE', `${stack.apis[1].url}/api/v1/admin/queues/clean`, {
      queue: 'monitoring',
      status: 'completed',
      olderThanMs: 0,
    });
    expect(cleaned.status).toBe(200);
    expect(cleaned.body.removed).toBeGreaterThanOrEqual(Math.min(1, monitoring.completed));
    const audit = await db.query(`SELECT action FROM audit_logs WHERE object_type = 'queue' ORDER BY seq`);
    expect(audit.rows.map((r) => r.action)).toEqual(['queue.pause', 'queue.resume', 'queue.clean']);
  });

  it('lists a frozen worker as stale with an alert, and healthy again once it runs', async () => {
    const frozen = stack.workers[1].child;
    const workers = await eventually(async () => {
      const list = await workersList();
      return list.length === 2 && list.every((w) => w.status === 'healthy') ? list : undefined;
    });
    const id = workers.find((w) => w.pid === frozen.pid)?.id as string;
    expect(id).toBeTruthy();
    const alertStatus = async () =>
      (
        await db.query(`SELECT status FROM alerts WHERE fingerprint = $1 ORDER BY first_seen_at DESC LIMIT 1`, [
          `worker-stale:${id}`,
        ])
      ).rows[0]?.status as string | undefined;

    frozen.kill('SIGSTOP');
    try {
      await eventually(
        async () => ((await workersList()).find((w) => w.id === id)?.status === 'stale' ? true : undefined),
        20_000,
      );
      await eventually(async () => ((await alertStatus()) === 'open' ? true : undefined), 20_000);
    } finally {
      frozen.kill('SIGCONT');
    }
    await eventually(
      async () => ((await workersList()).find((w) => w.id === id)?.status === 'healthy' ? true : undefined),
      20_000,
    );
    await eventually(async () => ((await alertStatus()) === 'resolved' ? true : undefined), 20_000);
  });
});

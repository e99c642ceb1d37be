import type { IRedisClient, Queue } from 'bullmq';
import type { ListableJobState, QueueJobRow } from '@lsp/contracts';

/** Longest failure reason a row carries; the detail view has the whole message and stack trace. */
export const FAILED_REASON_MAX = 200;

/*
 * One page of a state's job ids, newest first, with the few hash fields a row shows — in one atomic script, so the
 * cursor's position and the page after it come from the same instant (no gap or repeat when jobs arrive or leave
 * between two commands) and job payloads never leave Redis.
 * Newest first is BullMQ's own order: finished sets by finish time descending, delayed by due time descending, the
 * wait and active lists from their head (jobs are pushed on the left).
 * Returns -1 when the cursor job is no longer in that state: its position is gone, and guessing one would skip or
 * repeat rows.
 *
 * KEYS[1] state key (sorted set or list), KEYS[2] queue meta key
 * ARGV[1] 'zset' | 'list' | 'paused' (the wait list, only while the queue is paused)
 * ARGV[2] cursor job id, or '' for the first page
 * ARGV[3] ids to return (limit + 1, the extra one says whether more exist)
 * ARGV[4] job key prefix
 * ARGV[5] longest failedReason returned
 */
const PAGE_SCRIPT = `
local kind = ARGV[1]
if kind == 'paused' and redis.call('HEXISTS', KEYS[2], 'paused') == 0 then return {} end
local start = 0
if ARGV[2] ~= '' then
  local pos
  if kind == 'zset' then pos = redis.call('ZREVRANK', KEYS[1], ARGV[2]) else pos = redis.call('LPOS', KEYS[1], ARGV[2]) end
  if not pos then return -1 end
  start = pos + 1
end
local stop = start + tonumber(ARGV[3]) - 1
local ids
if kind == 'zset' then ids = redis.call('ZREVRANGE', KEYS[1], start, stop) else ids = redis.call('LRANGE', KEYS[1], start, stop) end
local out = {}
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', ARGV[4] .. id, 'name', 'timestamp', 'processedOn', 'finishedOn', 'atm', 'attemptsMade', 'failedReason', 'opts')
  if f[7] then f[7] = string.sub(f[7], 1, tonumber(ARGV[5]) * 4) end
  out[#out + 1] = id
  for i = 1, 8 do out[#out + 1] = f[i] or '' end
end
return out
`;
const FIELDS_PER_JOB = 9;
const COMMAND = 'lspJobPage';
/** Clients the script is registered on (ioredis then runs it by its SHA, loading it once per connection). */
const registered = new WeakSet<IRedisClient>();

const STORAGE: Record<ListableJobState, { key: string; kind: 'zset' | 'list' | 'paused' }> = {
  failed: { key: 'failed', kind: 'zset' },
  completed: { key: 'completed', kind: 'zset' },
  delayed: { key: 'delayed', kind: 'zset' },
  active: { key: 'active', kind: 'list' },
  waiting: { key: 'wait', kind: 'list' },
  // BullMQ 6 keeps a paused queue's jobs in its wait list: they are the ones the pause holds back.
  paused: { key: 'wait', kind: 'paused' },
};

/**
 * Up to `count` rows of `state` after the job `startingAfter` (from the start when undefined), or `'cursor-gone'`
 * when that job has left the state since the previous page.
 */
export async function readJobPage(
  queue: Queue,
  state: ListableJobState,
  startingAfter: string | undefined,
  count: number,
): Promise<QueueJobRow[] | 'cursor-gone'> {
  const { key, kind } = STORAGE[state];
  const redis = queue.getBackend();
  const client = await redis.client;
  if (!registered.has(client)) {
    client.defineCommand(COMMAND, { numberOfKeys: 2, lua: PAGE_SCRIPT, readOnly: true });
    registered.add(client);
  }
  const reply = (await client.runCommand(COMMAND, [
    redis.toKey(key),
    redis.keys.meta,
    kind,
    startingAfter ?? '',
    String(count),
    redis.toKey(''),
    String(FAILED_REASON_MAX),
  ])) as number | string[];
  if (reply === -1) return 'cursor-gone';
  const rows: QueueJobRow[] = [];
  const flat = reply as string[];
  for (let i = 0; i < flat.length; i += FIELDS_PER_JOB) {
    const [id, name, timestamp, processedOn, finishedOn, atm, attemptsMade, failedReason, opts] = flat.slice(
      i,
      i + FIELDS_PER_JOB,
    );
    // An id whose hash is gone is a dangling entry BullMQ itself skips; there is nothing to show for it.
    if (!name) continue;
    rows.push({
      id,
      queue: queue.name,
      name,
      state,
      attemptsMade: Number(atm || attemptsMade || 0),
      maxAttempts: maxAttemptsOf(opts),
      createdAt: iso(timestamp),
      processedAt: iso(processedOn),
      finishedAt: iso(finishedOn),
      failedReason: firstLine(failedReason),
    });
  }
  return rows;
}

function iso(ms: string): string | null {
  const n = Number(ms);
  return ms && Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : null;
}

function maxAttemptsOf(opts: string): number {
  try {
    const attempts = (JSON.parse(opts || '{}') as { attempts?: unknown }).attempts;
    return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
  } catch {
    return 1;
  }
}

/** The first line only: the rest of a message is often a dump that can carry a payload. */
export function firstLine(reason: string): string | null {
  const line = reason.split('\n', 1)[0].trim();
  if (!line) return null;
  return line.length > FAILED_REASON_MAX ? `${line.slice(0, FAILED_REASON_MAX - 1)}…` : line;
}

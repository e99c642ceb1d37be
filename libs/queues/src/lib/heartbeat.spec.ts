import {
  type WorkerHeartbeat,
  parseWorkerHeartbeat,
  readWorkerHeartbeats,
  serializeWorkerHeartbeat,
  workerHeartbeatKey,
} from './heartbeat';

const beat: WorkerHeartbeat = {
  id: 'host-1-ab12',
  host: 'host',
  pid: 1,
  queues: ['maintenance'],
  startedAt: '2026-11-26T10:00:00.000Z',
  lastBeatAt: '2026-11-26T10:00:05.000Z',
  processed: 3,
  failed: 1,
  version: '0.0.0',
};

describe('worker heartbeats', () => {
  it('keys heartbeats under <prefix>:workers:<id>', () => {
    expect(workerHeartbeatKey({ redisPrefix: 'lsp' }, 'host-1-ab12')).toBe('lsp:workers:host-1-ab12');
    expect(() => workerHeartbeatKey({ redisPrefix: 'lsp' }, 'a:b')).toThrow();
  });

  it('round-trips through JSON', () => {
    expect(parseWorkerHeartbeat(serializeWorkerHeartbeat(beat))).toEqual(beat);
  });

  it('carries the outbox relay status when the process runs a relay', () => {
    const withOutbox = { ...beat, outbox: { lagMs: 120, backlog: 3, checkedAt: '2026-11-26T10:00:05.000Z' } };
    expect(parseWorkerHeartbeat(serializeWorkerHeartbeat(withOutbox))).toEqual(withOutbox);
    expect(parseWorkerHeartbeat(JSON.stringify({ ...withOutbox, outbox: { lagMs: -1 } }))).toBeNull();
  });

  it.each([
    ['null', null],
    ['not JSON', '{'],
    ['a wrong type', JSON.stringify({ ...beat, pid: '1' })],
    ['a missing field', JSON.stringify({ ...beat, version: undefined })],
    ['a bad instant', JSON.stringify({ ...beat, lastBeatAt: 'yesterday' })],
  ])('returns null for %s', (_label, text) => {
    expect(parseWorkerHeartbeat(text)).toBeNull();
  });

  it('reads every live heartbeat under the prefix, skipping expired and malformed ones', async () => {
    const store: Record<string, string> = {
      'lsp:workers:b': serializeWorkerHeartbeat({ ...beat, id: 'b' }),
      'lsp:workers:a': serializeWorkerHeartbeat({ ...beat, id: 'a' }),
      'lsp:workers:bad': 'garbage',
    };
    const pages: [string, string[]][] = [
      ['7', ['lsp:workers:b', 'lsp:workers:gone']],
      ['0', ['lsp:workers:a', 'lsp:workers:bad', 'lsp:workers:b']],
    ];
    const patterns: unknown[] = [];
    const redis = {
      scan: jest.fn(async (...args: unknown[]) => {
        patterns.push(args[2]);
        return pages.shift() as [string, string[]];
      }),
      mget: jest.fn(async (...keys: string[]) => keys.map((k) => store[k] ?? null)),
    };
    const beats = await readWorkerHeartbeats(redis as never, {
      redisPrefix: 'lsp',
    });
    expect(beats.map((b) => b.id)).toEqual(['a', 'b']);
    expect(patterns).toEqual(['lsp:workers:*', 'lsp:workers:*']);
    expect(redis.mget).toHaveBeenCalledTimes(1);
  });

  it('reads nothing when no worker is alive', async () => {
    const redis = { scan: jest.fn(async () => ['0', []]), mget: jest.fn() };
    await expect(readWorkerHeartbeats(redis as never, { redisPrefix: 'lsp' })).resolves.toEqual([]);
    expect(redis.mget).not.toHaveBeenCalled();
  });
});

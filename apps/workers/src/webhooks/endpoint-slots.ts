import type { Redis } from 'ioredis';
import { type AppConfig, redisKey } from '@lsp/platform';
import { MicroBatcher } from '../core/micro-batcher';

// One take per key, in order (KEYS[i] for holder ARGV[4 + i]), so two takes of one endpoint in a batch both count
// against its cap. Members expire by score, so a slot held by a worker that died mid-delivery frees itself.
const ACQUIRE = `
local taken = {}
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
  if redis.call('ZCARD', key) < tonumber(ARGV[3]) then
    redis.call('ZADD', key, ARGV[2], ARGV[4 + i])
    redis.call('PEXPIRE', key, ARGV[4])
    taken[i] = 1
  else
    taken[i] = 0
  end
end
return taken`;

const RELEASE = `
for i, key in ipairs(KEYS) do
  redis.call('ZREM', key, ARGV[i])
end
return #KEYS`;

/** Takes or gives back at most this many slots per Redis call. */
const MAX_BATCH = 200;

interface Slot {
  endpointId: string;
  holder: string;
}

/**
 * A per-endpoint cap on deliveries in flight, shared by every worker process (a Redis sorted set of holders
 * scored by expiry): one slow merchant holds at most `cap` of the queue's slots, the rest go to other endpoints.
 * The takes and give-backs of a process's concurrent deliveries go to Redis together, one script call each way.
 */
export class EndpointSlots {
  private readonly takes: MicroBatcher<Slot, boolean>;
  private readonly gives: MicroBatcher<Slot, void>;

  constructor(
    private readonly redis: Pick<Redis, 'eval'>,
    private readonly config: Pick<AppConfig, 'redisPrefix'>,
    private readonly cap: number,
    private readonly holdMs: number,
  ) {
    this.takes = new MicroBatcher((slots) => this.take(slots), MAX_BATCH);
    this.gives = new MicroBatcher((slots) => this.give(slots), MAX_BATCH);
  }

  private key(endpointId: string): string {
    return redisKey(this.config, 'webhooks', 'inflight', endpointId);
  }

  acquire(endpointId: string, holder: string): Promise<boolean> {
    return this.takes.submit({ endpointId, holder });
  }

  release(endpointId: string, holder: string): Promise<void> {
    return this.gives.submit({ endpointId, holder });
  }

  private async take(slots: Slot[]): Promise<boolean[]> {
    const now = Date.now();
    const taken = (await this.redis.eval(
      ACQUIRE,
      slots.length,
      ...slots.map((s) => this.key(s.endpointId)),
      String(now),
      String(now + this.holdMs),
      String(this.cap),
      String(this.holdMs * 2),
      ...slots.map((s) => s.holder),
    )) as number[];
    return taken.map((t) => t === 1);
  }

  private async give(slots: Slot[]): Promise<void[]> {
    await this.redis.eval(
      RELEASE,
      slots.length,
      ...slots.map((s) => this.key(s.endpointId)),
      ...slots.map((s) => s.holder),
    );
    return slots.map(() => undefined);
  }
}

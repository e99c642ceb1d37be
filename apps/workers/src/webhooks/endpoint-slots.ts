import type { Redis } from 'ioredis';
import { type AppConfig, redisKey } from '@lsp/platform';
import { MicroBatcher } from '../core/micro-batcher';

// One take per (endpoint, merchant) key pair, in order (KEYS[2i-1] the endpoint's set, KEYS[2i] its merchant's,
// for holder ARGV[5 + i]), so two takes of one endpoint or merchant in a batch both count against its cap. A slot
// is taken only when both sets have room, and then in both. Members expire by score, so a slot held by a worker
// that died mid-delivery frees itself.
const ACQUIRE = `
local taken = {}
local pairs_n = #KEYS / 2
for i = 1, pairs_n do
  local endpoint, merchant = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('ZREMRANGEBYSCORE', endpoint, '-inf', ARGV[1])
  redis.call('ZREMRANGEBYSCORE', merchant, '-inf', ARGV[1])
  if redis.call('ZCARD', endpoint) < tonumber(ARGV[3]) and redis.call('ZCARD', merchant) < tonumber(ARGV[4]) then
    redis.call('ZADD', endpoint, ARGV[2], ARGV[5 + i])
    redis.call('ZADD', merchant, ARGV[2], ARGV[5 + i])
    redis.call('PEXPIRE', endpoint, ARGV[5])
    redis.call('PEXPIRE', merchant, ARGV[5])
    taken[i] = 1
  else
    taken[i] = 0
  end
end
return taken`;

const RELEASE = `
for i = 1, #KEYS / 2 do
  redis.call('ZREM', KEYS[2 * i - 1], ARGV[i])
  redis.call('ZREM', KEYS[2 * i], ARGV[i])
end
return #KEYS / 2`;

/** Takes or gives back at most this many slots per Redis call. */
const MAX_BATCH = 200;

interface Slot {
  endpointId: string;
  merchantId: string;
  holder: string;
}

export interface SlotCaps {
  /** Deliveries in flight to one endpoint (WEBHOOK_ENDPOINT_CONCURRENCY). */
  endpoint: number;
  /** Deliveries in flight to all endpoints of one merchant (WEBHOOK_MERCHANT_CONCURRENCY). */
  merchant: number;
}

/**
 * Caps on deliveries in flight per endpoint and per merchant, shared by every worker process (Redis sorted sets of
 * holders scored by expiry): one slow endpoint holds at most `caps.endpoint` of the queue's slots, and one merchant
 * with several slow endpoints at most `caps.merchant`; the rest go to others. The takes and give-backs of a
 * process's concurrent deliveries go to Redis together, one script call each way.
 */
export class EndpointSlots {
  private readonly takes: MicroBatcher<Slot, boolean>;
  private readonly gives: MicroBatcher<Slot, void>;

  constructor(
    private readonly redis: Pick<Redis, 'eval'>,
    private readonly config: Pick<AppConfig, 'redisPrefix'>,
    private readonly caps: SlotCaps,
    private readonly holdMs: number,
  ) {
    this.takes = new MicroBatcher((slots) => this.take(slots), MAX_BATCH);
    this.gives = new MicroBatcher((slots) => this.give(slots), MAX_BATCH);
  }

  private keys(slot: Slot): [string, string] {
    return [
      redisKey(this.config, 'webhooks', 'inflight', slot.endpointId),
      redisKey(this.config, 'webhooks', 'inflight-merchant', slot.merchantId),
    ];
  }

  /** A slot of the endpoint and of its merchant together, or false (and neither) when either is at its cap. */
  acquire(endpointId: string, merchantId: string, holder: string): Promise<boolean> {
    return this.takes.submit({ endpointId, merchantId, holder });
  }

  release(endpointId: string, merchantId: string, holder: string): Promise<void> {
    return this.gives.submit({ endpointId, merchantId, holder });
  }

  private async take(slots: Slot[]): Promise<boolean[]> {
    const now = Date.now();
    const taken = (await this.redis.eval(
      ACQUIRE,
      slots.length * 2,
      ...slots.flatMap((s) => this.keys(s)),
      String(now),
      String(now + this.holdMs),
      String(this.caps.endpoint),
      String(this.caps.merchant),
      String(this.holdMs * 2),
      ...slots.map((s) => s.holder),
    )) as number[];
    return taken.map((t) => t === 1);
  }

  private async give(slots: Slot[]): Promise<void[]> {
    await this.redis.eval(
      RELEASE,
      slots.length * 2,
      ...slots.flatMap((s) => this.keys(s)),
      ...slots.map((s) => s.holder),
    );
    return slots.map(() => undefined);
  }
}

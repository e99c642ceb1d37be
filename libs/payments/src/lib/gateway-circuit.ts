import type { Redis } from 'ioredis';
import {
  CLOSED_CIRCUIT,
  type CircuitPhase,
  type CircuitPolicy,
  type CircuitState,
  admitAttempt,
  circuitPhaseAt,
  forceOpen,
  recordOutcome,
} from '@lsp/domain';
import { type AppConfig, type Logger, redisKey } from '@lsp/platform';

/** What routing and the health collector need of the breaker; `NO_CIRCUIT` admits everything. */
export interface GatewayCircuit {
  /** May an attempt go to this gateway now? Claims the single half-open trial when it is one. */
  admit(gatewayId: string): Promise<boolean>;
  record(gatewayId: string, outcome: 'success' | 'failure'): Promise<void>;
  /** The health collector marked the gateway down. */
  trip(gatewayId: string): Promise<void>;
  /** Each gateway's phase now; null when Redis cannot tell. */
  phases(gatewayIds: string[]): Promise<Map<string, CircuitPhase | null>>;
}

export const NO_CIRCUIT: GatewayCircuit = {
  admit: () => Promise.resolve(true),
  record: () => Promise.resolve(),
  trip: () => Promise.resolve(),
  phases: (ids) => Promise.resolve(new Map(ids.map((id) => [id, 'closed' as const]))),
};

/** Replaces the stored state only if nobody changed it since it was read; an empty new value deletes it. */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`;

const MAX_CAS_ROUNDS = 5;
/** An idle circuit's state lapses after a day: failures that old say nothing. */
const STATE_TTL_MS = 24 * 3600_000;
const WARN_EVERY_MS = 10_000;

export function circuitPolicyFrom(
  config: Pick<AppConfig, 'circuitFailureThreshold' | 'circuitCooldownMs' | 'gatewayTimeoutMs'>,
): CircuitPolicy {
  return {
    failureThreshold: config.circuitFailureThreshold,
    cooldownMs: config.circuitCooldownMs,
    // A trial is one gateway call: it cannot take longer than the gateway timeout (plus the bookkeeping).
    trialTtlMs: config.gatewayTimeoutMs + 2000,
    failureWindowMs: Math.max(60_000, config.circuitCooldownMs * 2),
  };
}

/**
 * The circuit breaker shared by every API and worker process: one JSON state per gateway in Redis, moved by the
 * pure transitions of libs/domain under an optimistic compare-and-set, so two processes can never both take the
 * half-open trial. Redis trouble never blocks a payment: the breaker then admits (fails open) and says so in the
 * log, at most every 10 s.
 */
export class RedisGatewayCircuit implements GatewayCircuit {
  private lastWarning = 0;

  constructor(
    private readonly redis: Pick<Redis, 'get' | 'mget' | 'eval'>,
    private readonly config: Pick<AppConfig, 'redisPrefix'>,
    private readonly policy: CircuitPolicy,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async admit(gatewayId: string): Promise<boolean> {
    let admitted = true;
    const ok = await this.update(gatewayId, (state) => {
      const r = admitAttempt(state, this.now(), this.policy);
      admitted = r.admitted;
      return r.next;
    });
    return ok ? admitted : true;
  }

  async record(gatewayId: string, outcome: 'success' | 'failure'): Promise<void> {
    await this.update(gatewayId, (state) => recordOutcome(state, outcome, this.now(), this.policy));
  }

  async trip(gatewayId: string): Promise<void> {
    await this.update(gatewayId, (state) => forceOpen(state, this.now(), this.policy));
  }

  async phases(gatewayIds: string[]): Promise<Map<string, CircuitPhase | null>> {
    if (!gatewayIds.length) return new Map();
    try {
      const raw = await this.redis.mget(...gatewayIds.map((id) => this.key(id)));
      const now = this.now();
      return new Map(gatewayIds.map((id, i) => [id, circuitPhaseAt(parse(raw[i]), now)]));
    } catch (err) {
      this.warn(err, 'could not read circuit states');
      return new Map(gatewayIds.map((id) => [id, null]));
    }
  }

  /** Applies a transition atomically; false when Redis could not be used (the caller then fails open). */
  private async update(gatewayId: string, transition: (s: CircuitState) => CircuitState): Promise<boolean> {
    const key = this.key(gatewayId);
    try {
      for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
        const raw = (await this.redis.get(key)) ?? '';
        const current = parse(raw);
        const next = transition(current);
        if (next === current) return true;
        const value = isClosedAndClean(next) ? '' : JSON.stringify(next);
        if (value === raw) return true;
        const set = await this.redis.eval(COMPARE_AND_SET, 1, key, raw, value, String(STATE_TTL_MS));
        if (set === 1) return true;
      }
      // Contended beyond reason: another process is moving this circuit right now; its move stands.
      return true;
    } catch (err) {
      this.warn(err, 'circuit breaker unavailable; routing as if the circuit were closed');
      return false;
    }
  }

  private key(gatewayId: string): string {
    return redisKey(this.config, 'circuit', gatewayId);
  }

  private warn(err: unknown, msg: string): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn({ err }, msg);
  }
}

function parse(raw: string | null | undefined): CircuitState {
  if (!raw) return CLOSED_CIRCUIT;
  try {
    return { ...CLOSED_CIRCUIT, ...(JSON.parse(raw) as Partial<CircuitState>) };
  } catch {
    return CLOSED_CIRCUIT;
  }
}

function isClosedAndClean(s: CircuitState): boolean {
  return s.phase === 'closed' && s.failures === 0;
}

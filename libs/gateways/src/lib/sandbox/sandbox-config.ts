/** The drill switches a sandbox gateway's `config` may carry (API.md §5), with defaults applied. */
export interface SandboxConfig {
  /** `down`: every call fails temporarily, the health check is not ok. */
  mode: 'up' | 'down';
  /** Probability (0..1) that a create or refund call is refused before acceptance. */
  failureRate: number;
  /** Added to every call; above the context's timeout the call ends `unknown` (writes) or not ok. */
  latencyMs: number;
  /** Delay before the outcome callback is sent. */
  callbackDelayMs: number;
}

export const DEFAULT_SANDBOX_CALLBACK_DELAY_MS = 300;

/**
 * Reads the config leniently: the admin API validates it with `sandboxConfigProblems` when it is saved, and a
 * value that slipped through anyway falls back to its default rather than breaking payments.
 */
export function readSandboxConfig(
  config: Record<string, unknown>,
  defaultCallbackDelayMs = DEFAULT_SANDBOX_CALLBACK_DELAY_MS,
): SandboxConfig {
  return {
    mode: config['mode'] === 'down' ? 'down' : 'up',
    failureRate: Math.min(1, nonNegative(config['failureRate']) ?? 0),
    latencyMs: nonNegative(config['latencyMs']) ?? 0,
    callbackDelayMs: nonNegative(config['callbackDelayMs']) ?? defaultCallbackDelayMs,
  };
}

/** Human-readable problems with a sandbox `config` (empty when valid), for the admin API's 400. */
export function sandboxConfigProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const known = new Set(['mode', 'failureRate', 'latencyMs', 'callbackDelayMs']);
  for (const key of Object.keys(config)) if (!known.has(key)) problems.push(`config.${key} is not a sandbox setting`);
  if (config['mode'] !== undefined && config['mode'] !== 'up' && config['mode'] !== 'down') {
    problems.push('config.mode must be "up" or "down"');
  }
  const rate = config['failureRate'];
  if (rate !== undefined && (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))) {
    problems.push('config.failureRate must be a number from 0 to 1');
  }
  for (const key of ['latencyMs', 'callbackDelayMs']) {
    const value = config[key];
    if (
      value !== undefined &&
      (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 600_000)
    ) {
      problems.push(`config.${key} must be an integer number of milliseconds from 0 to 600000`);
    }
  }
  return problems;
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

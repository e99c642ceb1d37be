import { setTimeout as delay } from 'node:timers/promises';

/** Used when a context carries no usable timeout (non-finite or not positive): a misconfiguration, not a hang. */
export const DEFAULT_GATEWAY_TIMEOUT_MS = 10_000;

export function effectiveTimeoutMs(timeoutMs: number): number {
  return Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : DEFAULT_GATEWAY_TIMEOUT_MS;
}

export class GatewayTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Gateway call exceeded ${timeoutMs} ms`);
    this.name = 'GatewayTimeoutError';
  }
}

export interface BoundedCallFallbacks<T> {
  /** The deadline passed (the operation is aborted through its signal). */
  timeout: () => T;
  /** The operation threw for another reason. */
  error: (error: unknown) => T;
}

/**
 * Runs one gateway call under a hard deadline and turns every way it can go wrong into a typed result.
 *
 * The deadline is enforced by racing, not only by the abort signal, so an operation that ignores its signal
 * still costs at most `timeoutMs`. Its late settlement is swallowed. `latencyMs` is wall time of the whole call.
 */
export async function boundedCall<T extends object>(
  timeoutMs: number,
  op: (signal: AbortSignal) => Promise<T>,
  fallbacks: BoundedCallFallbacks<T>,
): Promise<T & { latencyMs: number }> {
  const started = performance.now();
  const limit = effectiveTimeoutMs(timeoutMs);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new GatewayTimeoutError(limit));
      resolve(fallbacks.timeout());
    }, limit);
  });
  // Deferred so a synchronous throw inside `op` is handled like a rejection.
  const run = Promise.resolve()
    .then(() => op(controller.signal))
    .then(
      (value) => value,
      (error: unknown) => (controller.signal.aborted ? fallbacks.timeout() : fallbacks.error(error)),
    );
  try {
    const value = await Promise.race([run, deadline]);
    return { ...value, latencyMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

/** Sleeps `ms`, rejecting as soon as `signal` aborts (so a simulated latency never outlives its call). */
export async function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) {
    signal.throwIfAborted();
    return;
  }
  await delay(ms, undefined, { signal });
}

/** A short, log-safe description of a thrown value (never the stack, never request data). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name}: ${code}` : `${error.name}: ${error.message}`;
  }
  return typeof error === 'string' ? error : 'non-error value thrown';
}

import { abortableDelay, boundedCall, effectiveTimeoutMs } from './bounded-call';

const fallbacks = {
  timeout: () => ({ result: 'timeout' }),
  error: (e: unknown) => ({ result: `error: ${(e as Error).message}` }),
};

describe('boundedCall', () => {
  it('returns the value with its latency', async () => {
    const out = await boundedCall(1000, async () => ({ result: 'ok' }), fallbacks);
    expect(out).toEqual({ result: 'ok', latencyMs: expect.any(Number) });
  });

  it('bounds an operation that ignores its abort signal', async () => {
    const started = Date.now();
    const out = await boundedCall(50, () => new Promise<{ result: string }>(() => undefined), fallbacks);
    expect(out.result).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('aborts the signal on timeout and swallows the late rejection', async () => {
    let seen: AbortSignal | undefined;
    const out = await boundedCall(
      30,
      async (signal) => {
        seen = signal;
        await abortableDelay(60_000, signal);
        return { result: 'late' };
      },
      fallbacks,
    );
    expect(out.result).toBe('timeout');
    expect(seen?.aborted).toBe(true);
  });

  it('turns synchronous and asynchronous throws into the error fallback', async () => {
    const sync = await boundedCall(
      1000,
      () => {
        throw new Error('sync');
      },
      fallbacks,
    );
    expect(sync.result).toBe('error: sync');
    const async_ = await boundedCall(1000, () => Promise.reject(new Error('async')), fallbacks);
    expect(async_.result).toBe('error: async');
  });

  it('falls back to a default for a nonsensical timeout', () => {
    expect(effectiveTimeoutMs(0)).toBe(10_000);
    expect(effectiveTimeoutMs(Number.NaN)).toBe(10_000);
    expect(effectiveTimeoutMs(250)).toBe(250);
  });
});

/** Longest we wait on a receiver's Retry-After: a day; beyond that the normal schedule applies. */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/**
 * Delay before attempt `step` of the schedule (step 0 is the first attempt), or null once the schedule is spent.
 * Jitter adds up to 10 % so endpoints that failed together do not all come back in the same second; a receiver's
 * Retry-After (429/503) is honoured when it asks for longer than the schedule would wait.
 */
export function retryDelayMs(
  scheduleMs: readonly number[],
  step: number,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): number | null {
  if (step >= scheduleMs.length) return null;
  const base = scheduleMs[step];
  const jittered = base + Math.floor(base * 0.1 * random());
  if (retryAfterMs !== null && retryAfterMs > jittered) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return jittered;
}

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

/** First wait of an attempt deferred because its endpoint or merchant has no free delivery slot. */
const FIRST_DEFERRAL_MS = 250;
/** Longest wait between two tries for a slot: a freed slot stays idle at most about this long. */
const MAX_DEFERRAL_MS = 10_000;

/**
 * Wait before try `deferrals + 1` for a delivery slot: 250 ms doubling per deferral up to 10 s, with "equal
 * jitter" (half fixed, half random) so a backlog deferred together spreads out instead of coming back as a herd.
 * A deferral is not an attempt: it spends nothing of the retry schedule.
 */
export function deferralDelayMs(deferrals: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DEFERRAL_MS, FIRST_DEFERRAL_MS * 2 ** Math.min(Math.max(deferrals, 0), 16));
  return Math.round(base / 2 + (base / 2) * random());
}

/**
 * Latency histogram of API usage: upper bounds in ms of each bucket, the last one open-ended. Counting calls per
 * bucket keeps recording to one Redis HINCRBY per call, and a p95 is then read from the counts (reported as the
 * upper bound of the bucket holding the 95th percentile — precise to the bucket).
 */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, Infinity] as const;

export function latencyBucket(ms: number): number {
  const index = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return index === -1 ? LATENCY_BUCKETS_MS.length - 1 : index;
}

/** The p95 bound in ms from calls per bucket; null without calls; the open bucket reports its lower bound. */
export function p95FromBuckets(counts: ReadonlyMap<number, number>): number | null {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil(total * 0.95);
  let seen = 0;
  for (let bucket = 0; bucket < LATENCY_BUCKETS_MS.length; bucket++) {
    seen += counts.get(bucket) ?? 0;
    if (seen >= rank) {
      const bound = LATENCY_BUCKETS_MS[bucket];
      return Number.isFinite(bound) ? bound : LATENCY_BUCKETS_MS[bucket - 1];
    }
  }
  return null;
}

export function statusClass(status: number): '1xx' | '2xx' | '3xx' | '4xx' | '5xx' {
  const c = Math.min(5, Math.max(1, Math.floor(status / 100)));
  return `${c}xx` as '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
}

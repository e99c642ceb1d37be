import { getPriority, setPriority } from 'node:os';

export type PriorityChange =
  | { changed: false; nice: number }
  | { changed: true; from: number; nice: number }
  | { changed: false; error: string };

/**
 * Lowers a worker process's CPU priority to `nice` (WORKER_NICE) when it runs at a higher one. Where the API,
 * the workers and PostgreSQL share a host, background work (deliveries, postings, scans) then takes the CPU the
 * request path leaves over instead of an equal share of it; on a host of its own a worker loses nothing, since
 * niceness only matters when processes compete. Never raises the priority back (that needs privileges): a
 * process started under `nice` keeps the lower of the two. A failure is reported, not thrown: it is not fatal.
 */
export function lowerProcessPriority(nice: number, pid = 0): PriorityChange {
  try {
    const current = getPriority(pid);
    if (nice <= current) return { changed: false, nice: current };
    setPriority(pid, nice);
    return { changed: true, from: current, nice: getPriority(pid) };
  } catch (err) {
    return { changed: false, error: err instanceof Error ? err.message : String(err) };
  }
}

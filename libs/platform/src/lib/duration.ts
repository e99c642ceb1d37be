const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `0`, `300ms`, `5s`, `15m`, `2h`, `1d` into milliseconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  if (!m[2]) return n === 0 ? 0 : null; // a bare number other than 0 is ambiguous
  return n * UNITS[m[2]];
}

/**
 * True when an error means PostgreSQL or Redis is unreachable rather than that the request was wrong: such
 * requests get 503 `api_error` (retry later), not 500, and the process keeps running to recover by itself.
 */
export function isDependencyDown(error: unknown): boolean {
  // Duck-typed, not `instanceof Error`: errors from Node's core may come from another realm (e.g. under Jest).
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; message?: string; code?: string; driverError?: { code?: string } };
  const code = e.code ?? e.driverError?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
  // PostgreSQL: connection exceptions (08xxx), admin shutdown / crash / cannot connect now (57P0x).
  if (/^08...$/.test(code) || /^57P0[1-4]$/.test(code)) return true;
  const m = e.message ?? '';
  return (
    e.name === 'MaxRetriesPerRequestError' ||
    /Connection terminated|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable|connect ECONNREFUSED|Command timed out|Client has encountered a connection error|terminating connection/i.test(
      m,
    )
  );
}

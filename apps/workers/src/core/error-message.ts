/**
 * The message of anything thrown. Duck-typed rather than `instanceof Error`: errors raised inside Node internals
 * or drivers can come from another realm (Jest's sandbox, worker threads) and would fail that check.
 */
export function errorMessage(err: unknown): string {
  // pg reports a refused dual-stack connect as an AggregateError with an empty message; use its first cause.
  const nested = (err as { errors?: unknown[] } | null)?.errors;
  if (Array.isArray(nested) && nested.length > 0) return errorMessage(nested[0]);
  const { message, name } = (err ?? {}) as {
    message?: unknown;
    name?: unknown;
  };
  if (typeof message === 'string' && message) return message;
  if (typeof name === 'string' && name) return name;
  return String(err);
}

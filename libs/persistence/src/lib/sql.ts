import type { EntityManager } from 'typeorm';

/**
 * Runs SQL in the caller's scoped transaction and returns the rows, uniformly for SELECT, INSERT … RETURNING
 * and UPDATE … RETURNING (TypeORM's plain `query` wraps UPDATE results in a `[rows, count]` pair).
 */
export async function sql<T = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner = em.queryRunner;
  if (!runner) throw new Error('sql() must run inside Database.inScope()');
  const result = await runner.query(text, params, true);
  return result.records as T[];
}

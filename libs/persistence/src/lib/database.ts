import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '@lsp/platform';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * Which rows a transaction may see. Row-level security reads these from transaction-local settings, so a
 * scope can never leak into the next transaction that reuses the pooled connection.
 */
export type Scope = { kind: 'platform' } | { kind: 'merchant'; merchantId: string };

const MERCHANT_ID = /^mer_[0-9A-Z]{26}$/;

export const PLATFORM: Scope = { kind: 'platform' };
export const merchantScope = (merchantId: string): Scope => ({ kind: 'merchant', merchantId });

export function dataSourceFor(config: AppConfig, role: 'owner' | 'app', poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url: role === 'owner' ? config.databaseUrl : config.appDatabaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 3000,
      application_name: `lightspeedpay-${role}`,
    },
  });
}

/** The one way runtime code reaches PostgreSQL: a transaction bound to a scope. */
export class Database {
  constructor(readonly dataSource: DataSource) {}

  async inScope<T>(scope: Scope, work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (scope.kind === 'merchant' && !MERCHANT_ID.test(scope.merchantId)) {
      throw new Error(`refusing to bind malformed merchant id ${JSON.stringify(scope.merchantId).slice(0, 60)}`);
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      // BEGIN and the scope in one round trip (simple protocol; both values are validated literals, not input
      // text). Transaction-local settings vanish at COMMIT/ROLLBACK, so a pooled connection never keeps a scope.
      await runner.query(
        `BEGIN; SELECT set_config('app.scope', '${scope.kind}', true), set_config('app.merchant_id', '${
          scope.kind === 'merchant' ? scope.merchantId : ''
        }', true)`,
      );
      let result: T;
      try {
        result = await work(runner.manager);
      } catch (e) {
        await runner.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
      await runner.query('COMMIT');
      return result;
    } finally {
      await runner.release();
    }
  }

  /** Admin and system code paths: every merchant's rows. Use only where the caller is staff or the platform. */
  platform<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.inScope(PLATFORM, work);
  }

  merchant<T>(merchantId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.inScope(merchantScope(merchantId), work);
  }

  /** Names of migrations known to the code but not yet applied; empty when the schema is current. */
  async pendingMigrations(): Promise<string[]> {
    const rows: { name: string }[] = await this.dataSource.query(`SELECT name FROM migrations`);
    const applied = new Set(rows.map((r) => r.name));
    return MIGRATIONS.map((m) => m.name).filter((name) => !applied.has(name));
  }
}

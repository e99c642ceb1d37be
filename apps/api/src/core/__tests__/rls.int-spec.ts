import { Client } from 'pg';
import { loadConfig } from '@lsp/platform';
import { Database, dataSourceFor, sql } from '@lsp/persistence';
import { ApiHarness } from '../../../test/api-harness';

/**
 * Row-level security, proven through the runtime role itself: the API connects as lsp_app, and lsp_app sees a
 * merchant's rows only inside a transaction bound to that merchant or to the platform scope.
 */
describe('row-level security for the runtime role lsp_app', () => {
  const config = loadConfig();
  const ds = dataSourceFor(config, 'app', 2);
  const db = new Database(ds);
  let merchantA: string;
  let merchantB: string;

  beforeAll(async () => {
    const api = await ApiHarness.start();
    const admin = (await api.login()).accessToken;
    merchantA = (await api.createMerchant(admin, { name: 'RLS A' })).merchant.id;
    merchantB = (await api.createMerchant(admin, { name: 'RLS B' })).merchant.id;
    await api.close();
    await ds.initialize();
  });
  afterAll(async () => {
    if (ds.isInitialized) await ds.destroy();
  });

  it('is a restricted role: no superuser, no BYPASSRLS', async () => {
    const [role] = (await ds.query(
      `SELECT rolsuper, rolbypassrls, current_user AS me FROM pg_roles WHERE rolname = current_user`,
    )) as {
      rolsuper: boolean;
      rolbypassrls: boolean;
      me: string;
    }[];
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, me: 'lsp_app' });
  });

  it('sees no merchant rows when no merchant is bound', async () => {
    // The rows exist (the owner sees them) ...
    const owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    const ownerCount = Number((await owner.query(`SELECT count(*) FROM merchants`)).rows[0].count);
    await owner.end();
    expect(ownerCount).toBeGreaterThanOrEqual(2);
    // ... but an unscoped query through the runtime role returns none of them, nor their keys.
    expect(await ds.query(`SELECT id FROM merchants`)).toEqual([]);
    expect(await ds.query(`SELECT id FROM api_keys`)).toEqual([]);
    // Same inside a transaction that bound nothing.
    await ds.transaction(async (em) => expect(await em.query(`SELECT id FROM merchants`)).toEqual([]));
  });

  it('sees only the bound merchant, and every merchant in the platform scope', async () => {
    const visibleToA = await db.merchant(merchantA, (em) => sql<{ id: string }>(em, `SELECT id FROM merchants`));
    expect(visibleToA.map((r) => r.id)).toEqual([merchantA]);
    const keysOfA = await db.merchant(merchantA, (em) =>
      sql<{ merchant_id: string }>(em, `SELECT merchant_id FROM api_keys`),
    );
    expect(keysOfA.length).toBeGreaterThan(0);
    expect(keysOfA.every((k) => k.merchant_id === merchantA)).toBe(true);
    const all = await db.platform((em) => sql<{ id: string }>(em, `SELECT id FROM merchants`));
    expect(all.map((r) => r.id)).toEqual(expect.arrayContaining([merchantA, merchantB]));
  });

  it('refuses to write a row for another merchant', async () => {
    await expect(
      db.merchant(merchantA, (em) =>
        sql(em, `UPDATE merchants SET name = 'hijacked' WHERE id = $1 RETURNING id`, [merchantB]),
      ),
    ).resolves.toEqual([]);
    await expect(
      db.merchant(merchantA, (em) =>
        sql(
          em,
          `INSERT INTO api_keys (id, merchant_id, mode, secret_hash, last4) VALUES ('key_01ARZ3NDEKTSV4RRFFQ69G5FAV', $1, 'test', 'x', 'abcd')`,
          [merchantB],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('does not leak a scope into the next transaction on the same pooled connection', async () => {
    await db.merchant(merchantA, (em) => sql(em, `SELECT 1`));
    expect(await ds.query(`SELECT id FROM merchants`)).toEqual([]);
  });

  it('may not rewrite or delete audit history', async () => {
    await expect(db.platform((em) => sql(em, `UPDATE audit_logs SET action = 'x'`))).rejects.toThrow(
      /permission denied/,
    );
    await expect(db.platform((em) => sql(em, `DELETE FROM audit_logs`))).rejects.toThrow(/permission denied/);
  });
});

import { Client } from 'pg';
import { loadConfig } from '@lsp/platform';
import { Database, dataSourceFor, verifyAuditChain } from '@lsp/persistence';
import type { AuditLogView, ListResponse } from '@lsp/contracts';
import { ApiHarness, expectError } from '../../../test/api-harness';

describe('audit log (hash-chained, append-only)', () => {
  let api: ApiHarness;
  let admin: string;
  const config = loadConfig();
  const ds = dataSourceFor(config, 'app', 2);
  const db = new Database(ds);

  beforeAll(async () => {
    api = await ApiHarness.start();
    admin = (await api.login()).accessToken;
    await ds.initialize();
  });
  afterAll(async () => {
    await api.close();
    await ds.destroy();
  });

  it('records who changed what, with the before/after diff, request id and IP', async () => {
    const { merchant } = await api.createMerchant(admin, { name: 'Before Name' });
    const patch = await api.request('PATCH', `/api/v1/admin/merchants/${merchant.id}`, {
      token: admin,
      body: { name: 'After Name' },
      headers: { 'x-request-id': 'req-audit-test-1' },
    });
    expect(patch.headers.get('x-request-id')).toBe('req-audit-test-1');
    const res = await api.request<ListResponse<AuditLogView>>(
      'GET',
      `/api/v1/admin/audit-logs?objectId=${merchant.id}&action=merchant.update`,
      { token: admin },
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    const entry = res.body.data[0];
    expect(entry).toMatchObject({
      object: 'audit_log',
      action: 'merchant.update',
      objectType: 'merchant',
      objectId: merchant.id,
      actorEmail: 'admin@test.lightspeedpay.local',
      requestId: 'req-audit-test-1',
      ip: '127.0.0.1',
    });
    expect(entry.diff.before).toMatchObject({ name: 'Before Name' });
    expect(entry.diff.after).toMatchObject({ name: 'After Name' });
    // Only the changed fields (and updatedAt) are in the diff.
    expect(Object.keys(entry.diff.after ?? {}).sort()).toEqual(['name', 'updatedAt']);
  });

  it('filters and paginates', async () => {
    for (let i = 0; i < 3; i++) await api.createMerchant(admin, { name: `Audit page ${i}` });
    const page = await api.request<ListResponse<AuditLogView>>(
      'GET',
      '/api/v1/admin/audit-logs?action=merchant.create&limit=2',
      { token: admin },
    );
    expect(page.body.data).toHaveLength(2);
    expect(page.body.hasMore).toBe(true);
    expect(page.body.data.every((e) => e.action === 'merchant.create')).toBe(true);
    const next = await api.request<ListResponse<AuditLogView>>(
      'GET',
      `/api/v1/admin/audit-logs?action=merchant.create&limit=2&startingAfter=${page.body.data[1].id}`,
      { token: admin },
    );
    expect(next.body.data[0].id < page.body.data[1].id).toBe(true);
    const future = await api.request<ListResponse<AuditLogView>>(
      'GET',
      '/api/v1/admin/audit-logs?createdFrom=2999-01-01T00:00:00Z',
      { token: admin },
    );
    expect(future.body.data).toEqual([]);
    expectError(
      await api.request('GET', '/api/v1/admin/audit-logs?createdFrom=yesterday', { token: admin }),
      400,
      'invalid_request_error',
      'createdFrom',
    );
  });

  it('keeps one unbroken chain under concurrent writers on two API processes', async () => {
    const other = await ApiHarness.start();
    try {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? other : api).createMerchant(admin, { name: `Concurrent ${i}` })),
      );
    } finally {
      await other.close();
    }
    const check = await db.platform((em) => verifyAuditChain(em));
    expect(check.ok).toBe(true);
    expect(check.rowsChecked).toBeGreaterThanOrEqual(20);
  });

  it('detects an edited row and a deleted row', async () => {
    await api.createMerchant(admin, { name: 'Tamper target' });
    expect((await db.platform((em) => verifyAuditChain(em))).ok).toBe(true);
    const owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ id: string; diff: object }>(
        `SELECT id, diff FROM audit_logs ORDER BY seq DESC LIMIT 1 OFFSET 1`,
      );
      const target = rows[0];
      await owner.query(`UPDATE audit_logs SET diff = jsonb_set(diff, '{after,name}', '"Tampered"') WHERE id = $1`, [
        target.id,
      ]);
      const edited = await db.platform((em) => verifyAuditChain(em));
      expect(edited).toMatchObject({ ok: false, brokenAtId: target.id });
      expect(edited.message).toMatch(/modified/);

      await owner.query(`UPDATE audit_logs SET diff = $2 WHERE id = $1`, [target.id, JSON.stringify(target.diff)]);
      expect((await db.platform((em) => verifyAuditChain(em))).ok).toBe(true);

      await owner.query(`DELETE FROM audit_logs WHERE id = $1`, [target.id]);
      const deleted = await db.platform((em) => verifyAuditChain(em));
      expect(deleted.ok).toBe(false);
      expect(deleted.message).toMatch(/removed or inserted/);
    } finally {
      await owner.end();
    }
  });
});

import type { AlertView, AuditLogView, ListResponse } from '@lsp/contracts';
import { Database, raiseAlert, resolveAlertByFingerprint, sql } from '@lsp/persistence';
import { ApiHarness, expectError } from '../../../test/api-harness';

/** GET /api/v1/admin/alerts, acknowledge and resolve (API.md §10), and the notifications each change records. */
describe('alerts', () => {
  let api: ApiHarness;
  let db: Database;
  let admin: string;
  let sre: { token: string; email: string };
  let finance: string;
  // Other suites may raise alerts in the same database: every fingerprint and source here is this run's own.
  const run = Math.random().toString(36).slice(2, 8);
  const source = `test/alerts-${run}`;

  const raise = (name: string, severity: 'info' | 'warning' | 'critical' = 'warning', src = source) =>
    db.platform((em) =>
      raiseAlert(em, {
        fingerprint: `${name}:${run}`,
        severity,
        source: src,
        title: `Title ${name}`,
        message: `Message ${name}`,
        details: { name },
      }),
    );
  const list = (query: string, token = admin) =>
    api.request<ListResponse<AlertView>>('GET', `/api/v1/admin/alerts${query}`, { token });
  const notifications = (alertId: string) =>
    db.platform((em) =>
      sql<{ kind: string }>(em, `SELECT kind FROM alert_notifications WHERE alert_id = $1 ORDER BY id`, [alertId]),
    );

  beforeAll(async () => {
    api = await ApiHarness.start();
    db = api.app.get(Database);
    admin = (await api.login()).accessToken;
    const sreUser = await api.createUser(admin, ['sre']);
    sre = { token: (await api.login(sreUser.email, sreUser.password)).accessToken, email: sreUser.email };
    const financeUser = await api.createUser(admin, ['finance']);
    finance = (await api.login(financeUser.email, financeUser.password)).accessToken;
  });
  afterAll(() => api.close());

  it('deduplicates a raise by fingerprint into one alert with a count, notifying once', async () => {
    const first = await raise('dedupe');
    const again = await raise('dedupe', 'critical');
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ id: first.id, created: false, occurrences: 2 });

    const res = await list(`?source=${source}&limit=100`);
    const alert = res.body.data.find((a) => a.id === first.id);
    expect(alert).toMatchObject({
      object: 'alert',
      fingerprint: `dedupe:${run}`,
      severity: 'critical',
      status: 'open',
      count: 2,
      source,
      resolvedAt: null,
    });
    expect(Date.parse(alert!.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(alert!.firstSeenAt));
    expect(await notifications(first.id)).toEqual([{ kind: 'raised' }]);

    // Resolved, the condition may recur: that is a new alert with its own notification.
    expect(await db.platform((em) => resolveAlertByFingerprint(em, `dedupe:${run}`))).toBe(true);
    expect(await db.platform((em) => resolveAlertByFingerprint(em, `dedupe:${run}`))).toBe(false);
    expect(await notifications(first.id)).toEqual([{ kind: 'raised' }, { kind: 'resolved' }]);
    const recurred = await raise('dedupe');
    expect(recurred.created).toBe(true);
    expect(recurred.id).not.toBe(first.id);
  });

  it('filters by status, severity and source and pages newest first without gaps', async () => {
    const otherSource = `${source}-other`;
    const ids = [
      (await raise('f1', 'info')).id,
      (await raise('f2', 'critical')).id,
      (await raise('f3', 'critical', otherSource)).id,
      (await raise('f4', 'warning')).id,
    ];

    const critical = await list(`?severity=critical&source=${source}&status=open`);
    expect(critical.status).toBe(200);
    expect(critical.body.data.map((a) => a.id)).toEqual([ids[1]]);

    const other = await list(`?source=${otherSource}`);
    expect(other.body.data.map((a) => a.id)).toEqual([ids[2]]);

    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const res = await list(`?source=${source}&status=open&limit=2${cursor}`, sre.token);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((a) => a.id));
      if (!res.body.hasMore) break;
      cursor = `&startingAfter=${res.body.data[res.body.data.length - 1].id}`;
    }
    expect(seen).toEqual([...seen].sort().reverse());
    expect(seen).toEqual(expect.arrayContaining([ids[0], ids[1], ids[3]]));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('acknowledges then resolves, audited, with a notification per change; refuses repeats with 409', async () => {
    const { id } = await raise('ack');

    const acked = await api.request<AlertView>('POST', `/api/v1/admin/alerts/${id}/acknowledge`, { token: sre.token });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ id, status: 'acknowledged', acknowledgedBy: sre.email });
    expect(acked.body.acknowledgedAt).not.toBeNull();
    expectError(
      await api.request('POST', `/api/v1/admin/alerts/${id}/acknowledge`, { token: sre.token }),
      409,
      'conflict',
    );

    // Still the one open alert of its condition: raising it again bumps it and keeps it acknowledged.
    expect(await raise('ack')).toMatchObject({ id, created: false });

    const resolved = await api.request<AlertView>('POST', `/api/v1/admin/alerts/${id}/resolve`, { token: admin });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ id, status: 'resolved', resolvedBy: 'admin@test.lightspeedpay.local' });
    expectError(await api.request('POST', `/api/v1/admin/alerts/${id}/resolve`, { token: admin }), 409, 'conflict');
    expectError(await api.request('POST', `/api/v1/admin/alerts/${id}/acknowledge`, { token: admin }), 409, 'conflict');

    expect(await notifications(id)).toEqual([{ kind: 'raised' }, { kind: 'acknowledged' }, { kind: 'resolved' }]);
    const audit = await api.request<ListResponse<AuditLogView>>('GET', `/api/v1/admin/audit-logs?objectId=${id}`, {
      token: admin,
    });
    expect(audit.body.data.map((e) => e.action).sort()).toEqual(['alert.acknowledge', 'alert.resolve']);
    const ack = audit.body.data.find((e) => e.action === 'alert.acknowledge');
    expect(ack).toMatchObject({
      actorEmail: sre.email,
      diff: { before: { status: 'open' }, after: { status: 'acknowledged' } },
    });
  });

  it('answers 404 for an unknown or malformed id, 400 naming a bad filter, 403 to other roles', async () => {
    expectError(
      await api.request('POST', '/api/v1/admin/alerts/alr_01JDQ3ZK7Y0000000000000000/acknowledge', { token: admin }),
      404,
      'not_found',
    );
    expectError(await api.request('POST', '/api/v1/admin/alerts/nope/resolve', { token: admin }), 404, 'not_found');
    expectError(await list('?status=closed'), 400, 'invalid_request_error', 'status');
    expectError(await list('?severity=fatal'), 400, 'invalid_request_error', 'severity');
    expectError(await list('?source=a%20b'), 400, 'invalid_request_error', 'source');
    expectError(await list('?limit=0'), 400, 'invalid_request_error', 'limit');
    expectError(await list('?colour=red'), 400, 'invalid_request_error', 'colour');
    expectError(await list('', finance), 403, 'permission_error');
    const { id } = await raise('forbidden');
    expectError(
      await api.request('POST', `/api/v1/admin/alerts/${id}/resolve`, { token: finance }),
      403,
      'permission_error',
    );
    expect((await list(`?source=${source}&status=open&limit=100`)).body.data.map((a) => a.id)).toContain(id);
    expectError(await api.request('GET', '/api/v1/admin/alerts'), 401, 'authentication_error');
  });

  it('is described in the OpenAPI document with the analytics overview', async () => {
    const paths = Object.keys((await api.request('GET', '/api/docs-json')).body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/admin/alerts',
        '/api/v1/admin/alerts/{id}/acknowledge',
        '/api/v1/admin/alerts/{id}/resolve',
        '/api/v1/admin/analytics/overview',
      ]),
    );
  });
});

import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import type { AuditLogView, ListResponse } from '@lsp/contracts';
import { storeSession } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { AuditLogPage } from './audit-log-page';

const URL = '/api/v1/admin/audit-logs';

function entry(id: string, overrides: Partial<AuditLogView> = {}): AuditLogView {
  return {
    id,
    object: 'audit_log',
    actorId: 'usr_admin',
    actorEmail: 'admin@example.test',
    action: 'merchant.update',
    objectType: 'merchant',
    objectId: 'mer_1',
    diff: {
      before: { name: 'Shop', status: 'active' },
      after: { name: 'Shop', status: 'suspended' },
    },
    requestId: 'req_1',
    ip: '127.0.0.1',
    createdAt: '2026-11-26T10:00:00Z',
    ...overrides,
  };
}

function list(data: AuditLogView[], hasMore = false): ListResponse<AuditLogView> {
  return { object: 'list', data, hasMore };
}

describe('AuditLogPage', () => {
  let fixture: ComponentFixture<AuditLogPage>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  const byTestId = <T extends HTMLElement = HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);

  async function settle() {
    fixture.detectChanges();
    await fixture.whenStable();
  }

  function type(id: string, value: string) {
    const input = byTestId<HTMLInputElement>(id);
    if (!input) throw new Error(`no ${id}`);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  beforeEach(async () => {
    sessionStorage.clear();
    storeSession(['sre']);
    TestBed.configureTestingModule({
      imports: [AuditLogPage],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(AuditLogPage);
    el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  it('sends only the filters that are filled in, from the first page', async () => {
    backend.expectOne(`${URL}?limit=20`).flush(list([entry('aud_2'), entry('aud_1')], true));
    await settle();
    byTestId('audit-next')?.click();
    backend.expectOne(`${URL}?limit=20&startingAfter=aud_1`).flush(list([]));
    await settle();

    type('audit-filter-action', ' merchant.create ');
    type('audit-filter-object-id', 'mer_9');
    type('audit-filter-from', '2026-11-01');
    byTestId<HTMLButtonElement>('audit-filter-apply')?.click();

    const req = backend.expectOne((r) => r.url === URL);
    const params = req.request.params;
    expect(params.get('action')).toBe('merchant.create');
    expect(params.get('objectId')).toBe('mer_9');
    expect(params.get('createdFrom')).toBe(new Date('2026-11-01T00:00:00').toISOString());
    expect(params.has('objectType')).toBe(false);
    expect(params.has('actorId')).toBe(false);
    expect(params.has('createdTo')).toBe(false);
    expect(params.has('startingAfter')).toBe(false);
    req.flush(list([]));
    await settle();
    expect(byTestId('state-empty')?.textContent).toContain('No audit entries match these filters.');
  });

  it('expands a row to show the before/after diff as formatted JSON', async () => {
    backend.expectOne(`${URL}?limit=20`).flush(list([entry('aud_1')]));
    await settle();
    expect(byTestId('json-diff')).toBeNull();

    byTestId('audit-row-toggle')?.click();
    await settle();

    expect(byTestId('json-diff-changed')?.textContent).toContain('status');
    expect(byTestId('json-diff-changed')?.textContent).not.toContain('name');
    expect(byTestId('json-diff-before')?.textContent).toBe(JSON.stringify({ name: 'Shop', status: 'active' }, null, 2));
    expect(byTestId('json-diff-after')?.textContent).toContain('"status": "suspended"');

    byTestId('audit-row-toggle')?.click();
    await settle();
    expect(byTestId('json-diff')).toBeNull();
  });

  it('shows a creation (no before) as such', async () => {
    backend.expectOne(`${URL}?limit=20`).flush(
      list([
        entry('aud_1', {
          action: 'merchant.create',
          diff: { before: null, after: { name: 'New' } },
        }),
      ]),
    );
    await settle();
    byTestId('audit-row-toggle')?.click();
    await settle();
    expect(byTestId('json-diff-before')?.textContent).toBe('(did not exist)');
    expect(byTestId('json-diff-changed')?.textContent).toContain('name');
  });

  it('refuses a date range that ends before it starts', async () => {
    backend.expectOne(`${URL}?limit=20`).flush(list([]));
    await settle();
    type('audit-filter-from', '2026-11-10');
    type('audit-filter-to', '2026-11-01');
    byTestId<HTMLButtonElement>('audit-filter-apply')?.click();
    await settle();
    expect(byTestId('audit-filter-date-error')).not.toBeNull();
    backend.expectNone((r) => r.url === URL);
  });
});

describe('AuditLogPage linked from another page', () => {
  it('opens filtered to the object named in ?objectType=&objectId=', async () => {
    sessionStorage.clear();
    storeSession(['sre']);
    TestBed.configureTestingModule({
      imports: [AuditLogPage],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        {
          provide: ActivatedRoute,
          useValue: { snapshot: { queryParamMap: convertToParamMap({ objectType: 'queue', objectId: 'payments' }) } },
        },
      ],
    });
    const backend = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(AuditLogPage);
    await fixture.whenStable();

    backend
      .expectOne(`${URL}?objectType=queue&objectId=payments&limit=20`)
      .flush(list([entry('aud_1', { action: 'queue.pause', objectType: 'queue', objectId: 'payments' })]));
    fixture.detectChanges();
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector<HTMLInputElement>('[data-testid="audit-filter-object-id"]')?.value).toBe('payments');
    expect(el.querySelector<HTMLInputElement>('[data-testid="audit-filter-object-type"]')?.value).toBe('queue');
    expect(el.querySelectorAll('[data-testid="audit-row"]')).toHaveLength(1);
    backend.verify();
  });
});

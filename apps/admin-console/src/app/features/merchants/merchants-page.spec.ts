import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { CreateMerchantResponse, ListResponse, MerchantView, Role } from '@lsp/contracts';
import { storeSession } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { errorInterceptor } from '../../core/errors/error.interceptor';
import { MerchantsPage } from './merchants-page';

const LIST = '/api/v1/admin/merchants';

function merchant(id: string, overrides: Partial<MerchantView> = {}): MerchantView {
  return {
    id,
    object: 'merchant',
    name: `Shop ${id}`,
    email: `${id}@shop.test`,
    status: 'active',
    settlementSchedule: 'T+1',
    rateLimitPerMinute: 600,
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:00:00Z',
    ...overrides,
  };
}

function list(data: MerchantView[], hasMore = false): ListResponse<MerchantView> {
  return { object: 'list', data, hasMore };
}

describe('MerchantsPage', () => {
  let fixture: ComponentFixture<MerchantsPage>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  async function render(roles: Role[]) {
    sessionStorage.clear();
    storeSession(roles);
    TestBed.configureTestingModule({
      imports: [MerchantsPage],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(MerchantsPage);
    el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  const byTestId = <T extends HTMLElement = HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
  const allByTestId = (id: string) => Array.from(el.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));

  async function settle() {
    fixture.detectChanges();
    await fixture.whenStable();
  }

  function type(id: string, value: string) {
    const input = byTestId<HTMLInputElement | HTMLSelectElement>(id);
    if (!input) throw new Error(`no ${id}`);
    input.value = value;
    input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input'));
  }

  afterEach(() => backend.verify());

  it('creates a merchant and shows its one-time API key secret', async () => {
    await render(['admin']);
    backend.expectOne(`${LIST}?limit=20`).flush(list([merchant('mer_old')]));
    await settle();

    byTestId('merchant-create-open')?.click();
    await settle();
    type('merchant-name', 'Chai Point');
    type('merchant-email', 'ops@chaipoint.test');
    type('merchant-settlement', 'T+2');
    type('merchant-rate-limit', '120');
    byTestId<HTMLButtonElement>('merchant-create-submit')?.click();
    await settle();

    const create = backend.expectOne((r) => r.method === 'POST' && r.url === LIST);
    expect(create.request.body).toEqual({
      name: 'Chai Point',
      email: 'ops@chaipoint.test',
      settlementSchedule: 'T+2',
      rateLimitPerMinute: 120,
    });
    const created: CreateMerchantResponse = {
      merchant: merchant('mer_new', { name: 'Chai Point' }),
      apiKey: {
        id: 'key_1',
        object: 'api_key',
        merchantId: 'mer_new',
        mode: 'test',
        masked: 'lsp_test_••••9f3a',
        status: 'active',
        lastUsedAt: null,
        expiresAt: null,
        createdAt: '2026-11-26T10:00:00Z',
        secret: 'lsp_test_s3cr3tvalue9f3a',
      },
    };
    create.flush(created, { status: 201, statusText: 'Created' });
    await settle();

    expect(byTestId<HTMLInputElement>('one-time-secret-value')?.value).toBe('lsp_test_s3cr3tvalue9f3a');
    expect(byTestId('one-time-secret-warning')?.textContent).toContain('you will not see it again');
    expect(byTestId('merchant-create-form')).toBeNull();

    // The list goes back to page one, where the newest merchant is.
    backend.expectOne(`${LIST}?limit=20`).flush(list([created.merchant, merchant('mer_old')]));
    await settle();
    expect(allByTestId('merchant-row').map((r) => r.dataset['merchantId'])).toEqual(['mer_new', 'mer_old']);

    byTestId('one-time-secret-dismiss')?.click();
    await settle();
    expect(byTestId('one-time-secret')).toBeNull();
  });

  it('shows the API validation error inside the create form', async () => {
    await render(['admin']);
    backend.expectOne(`${LIST}?limit=20`).flush(list([]));
    await settle();
    byTestId('merchant-create-open')?.click();
    await settle();
    type('merchant-name', 'Dup');
    type('merchant-email', 'dup@shop.test');
    byTestId<HTMLButtonElement>('merchant-create-submit')?.click();
    backend
      .expectOne((r) => r.method === 'POST')
      .flush(
        {
          error: {
            type: 'conflict',
            code: 'email_taken',
            message: 'A merchant with this email exists',
            requestId: 'req_9',
          },
        },
        { status: 409, statusText: 'Conflict' },
      );
    await settle();
    expect(byTestId('merchant-create-error')?.textContent).toContain('A merchant with this email exists');
    expect(byTestId('merchant-create-error')?.textContent).toContain('req_9');
    expect(byTestId('one-time-secret')).toBeNull();
  });

  it('suspends a merchant only after confirmation', async () => {
    await render(['admin']);
    backend.expectOne(`${LIST}?limit=20`).flush(list([merchant('mer_1')]));
    await settle();

    byTestId('merchant-suspend')?.click();
    await settle();
    expect(byTestId('confirm-dialog')).not.toBeNull();
    backend.expectNone((r) => r.method === 'PATCH');

    byTestId('confirm-accept')?.click();
    const patch = backend.expectOne(`${LIST}/mer_1`);
    expect(patch.request.method).toBe('PATCH');
    expect(patch.request.body).toEqual({ status: 'suspended' });
    patch.flush(merchant('mer_1', { status: 'suspended' }));
    await settle();

    expect(byTestId('confirm-dialog')).toBeNull();
    expect(byTestId('merchant-status')?.textContent).toContain('suspended');
    expect(byTestId('merchant-reactivate')).not.toBeNull();
  });

  it('cancelling the confirmation changes nothing', async () => {
    await render(['admin']);
    backend.expectOne(`${LIST}?limit=20`).flush(list([merchant('mer_1')]));
    await settle();
    byTestId('merchant-suspend')?.click();
    await settle();
    byTestId('confirm-cancel')?.click();
    await settle();
    expect(byTestId('confirm-dialog')).toBeNull();
    backend.expectNone((r) => r.method === 'PATCH');
  });

  it('hides create and suspend from finance', async () => {
    await render(['finance']);
    backend.expectOne(`${LIST}?limit=20`).flush(list([merchant('mer_1')]));
    await settle();
    expect(allByTestId('merchant-row')).toHaveLength(1);
    expect(byTestId('merchant-create-open')).toBeNull();
    expect(byTestId('merchant-suspend')).toBeNull();
  });

  it('pages forward with startingAfter cursors and back through the stack', async () => {
    await render(['sre']);
    backend.expectOne(`${LIST}?limit=20`).flush(list([merchant('mer_3'), merchant('mer_2')], true));
    await settle();

    byTestId('merchants-next')?.click();
    backend.expectOne(`${LIST}?limit=20&startingAfter=mer_2`).flush(list([merchant('mer_1')], false));
    await settle();
    expect(byTestId<HTMLButtonElement>('merchants-next')?.disabled).toBe(true);
    expect(byTestId('merchants-page')?.textContent).toContain('Page 2');

    byTestId('merchants-previous')?.click();
    backend.expectOne(`${LIST}?limit=20`).flush(list([merchant('mer_3'), merchant('mer_2')], true));
    await settle();
    expect(byTestId('merchants-page')?.textContent).toContain('Page 1');
  });

  it('filters by status from the first page', async () => {
    await render(['admin']);
    backend.expectOne(`${LIST}?limit=20`).flush(list([]));
    await settle();
    expect(byTestId('state-empty')?.textContent).toContain('No merchants yet.');

    type('merchant-status-filter', 'suspended');
    backend.expectOne(`${LIST}?limit=20&status=suspended`).flush(list([]));
    await settle();
    expect(byTestId('state-empty')?.textContent).toContain('No suspended merchants.');
  });

  it('shows an error state with the request id, and retries', async () => {
    await render(['admin']);
    backend.expectOne(`${LIST}?limit=20`).flush(
      {
        error: {
          type: 'api_error',
          code: 'unavailable',
          message: 'Database unavailable',
          requestId: 'req_db',
        },
      },
      { status: 503, statusText: 'Unavailable' },
    );
    await settle();
    expect(byTestId('state-error')?.textContent).toContain('Database unavailable');
    expect(byTestId('state-request-id')?.textContent).toBe('req_db');

    byTestId('state-retry')?.click();
    backend.expectOne(`${LIST}?limit=20`).flush(list([merchant('mer_1')]));
    await settle();
    expect(allByTestId('merchant-row')).toHaveLength(1);
  });
});

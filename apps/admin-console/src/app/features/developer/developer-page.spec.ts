import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import type { ApiKeyView, ListResponse, Role, WebhookEndpointWithSecret } from '@lsp/contracts';
import { BehaviorSubject } from 'rxjs';
import { storeSession } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { errorInterceptor } from '../../core/errors/error.interceptor';
import { CHART_FACTORY } from '../../shared/ui/line-chart';
import { DeveloperPage } from './developer-page';

const MERCHANT = 'mer_01JZ0000000000000000000000';

function key(id: string, overrides: Partial<ApiKeyView> = {}): ApiKeyView {
  return {
    id,
    object: 'api_key',
    merchantId: MERCHANT,
    mode: 'test',
    masked: `lsp_test_••••${id.slice(-4)}`,
    status: 'active',
    lastUsedAt: null,
    expiresAt: null,
    createdAt: '2026-11-20T10:00:00Z',
    ...overrides,
  };
}

function list<T>(data: T[]): ListResponse<T> {
  return { object: 'list', data, hasMore: false };
}

describe('DeveloperPage', () => {
  let fixture: ComponentFixture<DeveloperPage>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  async function render(roles: Role[], params: Record<string, string> = {}) {
    sessionStorage.clear();
    storeSession(roles);
    TestBed.configureTestingModule({
      imports: [DeveloperPage],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])),
        provideHttpClientTesting(),
        // jsdom has no canvas.
        { provide: CHART_FACTORY, useValue: () => ({ update: () => undefined, destroy: () => undefined }) },
        { provide: ActivatedRoute, useValue: { queryParamMap: new BehaviorSubject(convertToParamMap(params)) } },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(DeveloperPage);
    el = fixture.nativeElement as HTMLElement;
    await settle();
  }

  const byTestId = <T extends HTMLElement = HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
  const allByTestId = (id: string) => Array.from(el.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));

  async function settle() {
    fixture.detectChanges();
    await fixture.whenStable();
    fixture.detectChanges();
  }

  afterEach(() => backend.verify());

  it('shows a merchant user its own keys and, after regenerating, the new secret once with the grace note', async () => {
    await render(['merchant']);
    backend.expectOne('/api/v1/merchant/credentials').flush(list([key('key_old1')]));
    await settle();
    expect(allByTestId('api-key-row')).toHaveLength(1);
    expect(allByTestId('developer-tab-usage')).toHaveLength(1);

    byTestId('api-key-regenerate')?.click();
    await settle();
    byTestId('confirm-accept')?.click();
    const regenerate = backend.expectOne('/api/v1/merchant/credentials/regenerate');
    expect(regenerate.request.body).toEqual({ mode: 'test' });
    regenerate.flush({
      apiKey: { ...key('key_new1'), secret: 'lsp_test_brandnewsecret' },
      replaced: [key('key_old1', { expiresAt: '2026-11-27T10:00:00Z' })],
    });
    await settle();
    backend
      .expectOne('/api/v1/merchant/credentials')
      .flush(list([key('key_new1'), key('key_old1', { expiresAt: '2026-11-27T10:00:00Z' })]));
    await settle();

    expect(byTestId<HTMLInputElement>('one-time-secret-value')?.value).toBe('lsp_test_brandnewsecret');
    expect(byTestId('one-time-secret-warning')?.textContent).toContain('lsp_test_••••old1 until');
    byTestId('one-time-secret-dismiss')?.click();
    await settle();
    expect(byTestId('one-time-secret')).toBeNull();
  });

  it('lets staff act only once a merchant is picked, through the admin and ?merchantId= routes, usage included', async () => {
    await render(['admin'], { merchantId: MERCHANT });
    backend.expectOne('/api/v1/admin/merchants?limit=100').flush(list([]));
    backend.expectOne(`/api/v1/admin/merchants/${MERCHANT}/api-keys`).flush(list([key('key_abc1')]));
    await settle();
    expect(allByTestId('api-key-row')).toHaveLength(1);
    // Regeneration is the merchant's own console users' (API.md §9).
    expect(byTestId('api-key-regenerate')).toBeNull();

    byTestId('developer-tab-webhooks')?.click();
    await settle();
    backend.expectOne(`/api/v1/webhook-endpoints?merchantId=${MERCHANT}&limit=100`).flush(list([]));
    await settle();
    expect(byTestId('endpoint-create-open')).not.toBeNull();
    expect(byTestId('endpoint-test')).toBeNull();

    byTestId('developer-tab-usage')?.click();
    await settle();
    const usage = backend.expectOne((r) => r.url === `/api/v1/admin/merchants/${MERCHANT}/usage`);
    expect(usage.request.params.get('from')).toMatch(/T00:00:00.000Z$/);
    usage.flush({
      object: 'api_usage',
      merchantId: MERCHANT,
      from: '2026-10-28',
      to: '2026-11-26',
      totalCalls: 42,
      p95LatencyMs: 30,
      byStatusClass: { '2xx': 40, '4xx': 2 },
      days: [{ day: '2026-11-25', calls: 42, p95LatencyMs: 30, byStatusClass: { '2xx': 40, '4xx': 2 } }],
      routes: [{ route: 'POST /api/v1/payments', calls: 42, p95LatencyMs: 30, byStatusClass: { '2xx': 40, '4xx': 2 } }],
    });
    await settle();
    expect(byTestId('usage-total')?.textContent).toBe('42');
    expect(allByTestId('usage-route-row')).toHaveLength(1);
  });

  it('asks staff to pick a merchant before loading anything', async () => {
    await render(['sre']);
    backend.expectOne('/api/v1/admin/merchants?limit=100').flush(list([]));
    await settle();
    expect(byTestId('developer-pick-merchant')).not.toBeNull();
  });

  it('shows the API refusal of a webhook URL under the URL field and keeps the form', async () => {
    await render(['merchant']);
    backend.expectOne('/api/v1/merchant/credentials').flush(list([]));
    byTestId('developer-tab-webhooks')?.click();
    await settle();
    backend.expectOne('/api/v1/webhook-endpoints?limit=100').flush(list([]));
    await settle();
    byTestId('endpoint-create-open')?.click();
    await settle();

    const url = byTestId<HTMLInputElement>('endpoint-url');
    if (!url) throw new Error('no url field');
    url.value = 'http://10.0.0.5/hook';
    url.dispatchEvent(new Event('input'));
    byTestId<HTMLFormElement>('endpoint-form')?.dispatchEvent(new Event('submit'));
    await settle();
    const create = backend.expectOne('/api/v1/webhook-endpoints');
    expect(create.request.body).toEqual({
      url: 'http://10.0.0.5/hook',
      events: ['payment.captured', 'payment.failed'],
    });
    create.flush(
      {
        error: {
          type: 'invalid_request_error',
          code: 'private_target',
          message: 'url points at a private address',
          param: 'url',
          requestId: 'req_1',
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();
    expect(byTestId('endpoint-url-error')?.textContent).toContain('url points at a private address');
    expect(byTestId('endpoint-form-error')).toBeNull();

    byTestId<HTMLFormElement>('endpoint-form')?.dispatchEvent(new Event('submit'));
    await settle();
    const secretShown: WebhookEndpointWithSecret = {
      id: 'whe_1',
      object: 'webhook_endpoint',
      merchantId: MERCHANT,
      url: 'http://10.0.0.5/hook',
      description: null,
      events: ['payment.captured'],
      status: 'enabled',
      disabledReason: null,
      failingSince: null,
      previousSecretExpiresAt: null,
      createdAt: '2026-11-26T10:00:00Z',
      updatedAt: '2026-11-26T10:00:00Z',
      secret: 'whsec_abc',
    };
    backend.expectOne('/api/v1/webhook-endpoints').flush(secretShown);
    await settle();
    const { secret: _secret, ...view } = secretShown;
    backend.expectOne('/api/v1/webhook-endpoints?limit=100').flush(list([view]));
    await settle();
    expect(byTestId<HTMLInputElement>('one-time-secret-value')?.value).toBe('whsec_abc');
    expect(allByTestId('endpoint-row')).toHaveLength(1);

    byTestId('endpoint-redeliver-failed-open')?.click();
    await settle();
    const since = byTestId<HTMLInputElement>('endpoint-redeliver-failed-since');
    if (!since) throw new Error('no since field');
    since.value = '2026-11-25T09:30';
    byTestId<HTMLFormElement>('endpoint-redeliver-failed')?.dispatchEvent(new Event('submit'));
    await settle();
    const replay = backend.expectOne('/api/v1/webhook-endpoints/whe_1/redeliver-failed');
    expect(replay.request.body).toEqual({ since: new Date(2026, 10, 25, 9, 30).toISOString() });
    replay.flush({ object: 'redelivery', redelivered: 3, skipped: 0 });
    await settle();
    expect(byTestId('endpoint-redeliver-failed')).toBeNull();
  });
});

import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { WebhookEndpointView } from '@lsp/contracts';
import { storeSession } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { errorInterceptor } from '../../core/errors/error.interceptor';
import { EndpointForm } from './endpoint-form';

const MERCHANT = 'mer_01JZ0000000000000000000000';
const ENDPOINT: WebhookEndpointView = {
  id: 'whe_01JZ0000000000000000000001',
  object: 'webhook_endpoint',
  merchantId: MERCHANT,
  url: 'https://shop.example.com/hooks',
  description: 'Orders',
  events: ['payment.captured'],
  status: 'enabled',
  disabledReason: null,
  failingSince: null,
  previousSecretExpiresAt: null,
  createdAt: '2026-11-20T10:00:00Z',
  updatedAt: '2026-11-20T10:00:00Z',
};
const PATCH_URL = `/api/v1/webhook-endpoints/${ENDPOINT.id}`;

describe('EndpointForm (edit)', () => {
  let fixture: ComponentFixture<EndpointForm>;
  let backend: HttpTestingController;
  let el: HTMLElement;
  let saved: WebhookEndpointView[];

  const byTestId = <T extends HTMLElement = HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);

  async function settle() {
    fixture.detectChanges();
    await fixture.whenStable();
  }

  beforeEach(async () => {
    sessionStorage.clear();
    storeSession(['admin']);
    TestBed.configureTestingModule({
      imports: [EndpointForm],
      providers: [provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])), provideHttpClientTesting()],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(EndpointForm);
    el = fixture.nativeElement as HTMLElement;
    saved = [];
    fixture.componentInstance.updated.subscribe((endpoint) => saved.push(endpoint));
    fixture.componentRef.setInput('scope', { merchantId: MERCHANT });
    fixture.componentRef.setInput('endpoint', ENDPOINT);
    await settle();
  });

  afterEach(() => backend.verify());

  it('opens prefilled with the endpoint and never shows a secret', () => {
    expect(byTestId('endpoint-edit-form')?.textContent).toContain('Edit webhook endpoint');
    expect(byTestId<HTMLInputElement>('endpoint-url')?.value).toBe(ENDPOINT.url);
    expect(byTestId<HTMLInputElement>('endpoint-description')?.value).toBe('Orders');
    expect(byTestId<HTMLInputElement>('endpoint-event-payment.captured')?.checked).toBe(true);
    expect(byTestId<HTMLInputElement>('endpoint-event-payment.failed')?.checked).toBe(false);
    expect(byTestId('endpoint-submit')?.textContent).toContain('Save changes');
    expect(el.textContent).not.toMatch(/secret/i);
  });

  it('patches only the changed event set and hands back the saved endpoint', async () => {
    byTestId('endpoint-event-payment.failed')?.click();
    await settle();
    byTestId('endpoint-submit')?.click();
    const req = backend.expectOne({ method: 'PATCH', url: `${PATCH_URL}?merchantId=${MERCHANT}` });
    expect(req.request.body).toEqual({ events: ['payment.captured', 'payment.failed'] });
    req.flush({ ...ENDPOINT, events: ['payment.captured', 'payment.failed'] });
    await settle();
    expect(saved.map((e) => e.events)).toEqual([['payment.captured', 'payment.failed']]);
  });

  it('shows the API’s refusal of a URL under the URL field', async () => {
    const url = byTestId<HTMLInputElement>('endpoint-url')!;
    url.value = 'https://10.0.0.8/hooks';
    url.dispatchEvent(new Event('input'));
    byTestId('endpoint-submit')?.click();
    const req = backend.expectOne({ method: 'PATCH', url: `${PATCH_URL}?merchantId=${MERCHANT}` });
    expect(req.request.body).toEqual({ url: 'https://10.0.0.8/hooks' });
    req.flush(
      {
        error: {
          type: 'invalid_request_error',
          code: 'webhook_target_private',
          message: 'url may not point at a private address',
          param: 'url',
          requestId: 'req_1',
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();
    expect(byTestId('endpoint-url-error')?.textContent).toContain('private address');
    expect(byTestId('endpoint-form-error')).toBeNull();
    expect(saved).toEqual([]);

    // Correcting the URL drops the verdict on the old one.
    url.value = 'https://shop.example.com/v2';
    url.dispatchEvent(new Event('input'));
    await settle();
    expect(byTestId('endpoint-url-error')).toBeNull();
  });

  it('sends nothing and says so when nothing changed', async () => {
    byTestId('endpoint-submit')?.click();
    await settle();
    backend.expectNone(() => true);
    expect(byTestId('endpoint-unchanged')).not.toBeNull();
  });
});

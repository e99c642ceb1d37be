import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { CreatedGateway, GatewayView, ListResponse, Role } from '@lsp/contracts';
import { gatewayView } from '../../../testing/gateways';
import { apiErrorBody, storeSession } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { errorInterceptor } from '../../core/errors/error.interceptor';
import { EVENT_SOURCE_FACTORY, SSE_BACKOFF } from '../../core/live/sse.service';
import { CHART_FACTORY } from '../../shared/ui/line-chart';
import { HEALTH_POLL_INTERVAL_MS } from './gateway-health-live';
import { GatewaysPage } from './gateways-page';

const LIST = '/api/v1/admin/gateways';
const TICKET = '/api/v1/streams/ticket';

class FakeEventSource {
  static instances: FakeEventSource[] = [];
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.listeners.clear();
  }

  emit(type: string, id: string, data: unknown): void {
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

function list(data: GatewayView[]): ListResponse<GatewayView> {
  return { object: 'list', data, hasMore: false };
}

const primary = () => gatewayView('gw_a', { code: 'primary', name: 'Primary', priority: 10 });
const secondary = () =>
  gatewayView('gw_b', {
    code: 'rzp',
    name: 'Razorpay main',
    provider: 'razorpay',
    priority: 20,
    credentials: { keyId: 'rzp_test_••••abcd', keySecret: '••••' },
    health: { status: 'degraded', successRate: 0.875, p95LatencyMs: 1450, checkedAt: '2026-11-26T10:00:00.000Z' },
  });

describe('GatewaysPage', () => {
  let fixture: ComponentFixture<GatewaysPage>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  async function render(roles: Role[], pollMs = 3_600_000) {
    sessionStorage.clear();
    storeSession(roles);
    FakeEventSource.instances = [];
    TestBed.configureTestingModule({
      imports: [GatewaysPage],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])),
        provideHttpClientTesting(),
        {
          provide: EVENT_SOURCE_FACTORY,
          useValue: (url: string) => new FakeEventSource(url) as unknown as EventSource,
        },
        { provide: CHART_FACTORY, useValue: () => ({ update: () => undefined, destroy: () => undefined }) },
        { provide: HEALTH_POLL_INTERVAL_MS, useValue: pollMs },
        // No reconnect within a test: a failed stream stays failed.
        { provide: SSE_BACKOFF, useValue: () => 3_600_000 },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(GatewaysPage);
    el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  /** Renders with the list answered and the stream's ticket handed out. */
  async function renderWith(roles: Role[], gateways: GatewayView[]) {
    await render(roles);
    backend.expectOne(TICKET).flush({ ticket: 'tkt_1', expiresIn: 60 });
    backend.expectOne(LIST).flush(list(gateways));
    await settle();
  }

  async function settle() {
    fixture.detectChanges();
    await fixture.whenStable();
  }

  const byTestId = <T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = el) =>
    root.querySelector<T>(`[data-testid="${id}"]`);
  const rows = () => Array.from(el.querySelectorAll<HTMLElement>('[data-testid="gateway-row"]'));
  const row = (id: string) => el.querySelector<HTMLElement>(`[data-testid="gateway-row"][data-gateway-id="${id}"]`);
  const inRow = (id: string, testId: string) => byTestId(testId, row(id) ?? el);
  const order = () => rows().map((r) => r.dataset['gatewayId']);

  function type(id: string, value: string) {
    const input = byTestId<HTMLInputElement | HTMLSelectElement>(id);
    if (!input) throw new Error(`no ${id}`);
    input.value = value;
    input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input'));
  }

  afterEach(() => backend.verify());

  it('lists gateways in routing order with formatted health', async () => {
    await renderWith(['admin'], [primary(), secondary()]);
    expect(order()).toEqual(['gw_a', 'gw_b']);
    expect(inRow('gw_b', 'gateway-health-status')?.textContent).toContain('degraded');
    expect(inRow('gw_b', 'gateway-success-rate')?.textContent?.trim()).toBe('87.5%');
    expect(inRow('gw_b', 'gateway-p95')?.textContent?.trim()).toBe('1,450 ms');
    expect(inRow('gw_a', 'gateway-circuit')?.textContent?.trim()).toBe('closed');
  });

  it('gives sre a read-only page: no create, edit, test, delete, enable or drag', async () => {
    await renderWith(['sre'], [primary(), secondary()]);
    expect(rows()).toHaveLength(2);
    for (const id of [
      'gateway-create-open',
      'gateway-edit',
      'gateway-test',
      'gateway-delete',
      'gateway-disable',
      'gateway-drag-handle',
      'gateway-move-up',
    ]) {
      expect(byTestId(id)).toBeNull();
    }
    expect(byTestId('gateway-health-open')).not.toBeNull();
  });

  it('updates health live from the gateway-health stream', async () => {
    await renderWith(['sre'], [primary(), secondary()]);
    const source = FakeEventSource.instances[0];
    expect(source?.url).toBe('/api/v1/streams/gateway-health?ticket=tkt_1');
    source?.onopen?.(new Event('open'));
    source?.emit('gateway.health', '1732615200000-0', {
      id: '1732615200000-0',
      stream: 'gateway-health',
      type: 'gateway.health',
      at: '2026-11-26T10:06:00.000Z',
      merchantId: null,
      data: {
        gatewayId: 'gw_a',
        code: 'primary',
        status: 'down',
        previousStatus: 'healthy',
        circuit: 'open',
        successRate: 0.1,
        p95LatencyMs: 5000,
        attempts: 40,
        checkedAt: '2026-11-26T10:06:00.000Z',
      },
    });
    await settle();
    expect(byTestId('gateways-live-indicator')?.dataset['state']).toBe('open');
    expect(inRow('gw_a', 'gateway-health-status')?.textContent).toContain('down');
    expect(inRow('gw_a', 'gateway-circuit')?.textContent).toContain('open');
    expect(inRow('gw_a', 'gateway-success-rate')?.textContent?.trim()).toBe('10%');
    expect(inRow('gw_b', 'gateway-health-status')?.textContent).toContain('degraded');
  });

  it('reloads the list when a resume reports the stream truncated, since updates were missed', async () => {
    await renderWith(['sre'], [primary(), secondary()]);
    const source = FakeEventSource.instances[0];
    source?.onopen?.(new Event('open'));
    source?.emit('stream.truncated', '', { id: '', stream: 'gateway-health', type: 'stream.truncated', data: {} });
    await settle();
    backend.expectOne(LIST).flush(list([{ ...primary(), health: { ...primary().health, status: 'down' } }]));
    await settle();
    expect(order()).toEqual(['gw_a']);
    expect(inRow('gw_a', 'gateway-health-status')?.textContent).toContain('down');
  });

  it('falls back to polling GET /health while the stream is not connected', async () => {
    await render(['sre'], 20);
    backend.expectOne(TICKET).flush({ ticket: 'tkt_1', expiresIn: 60 });
    backend.expectOne(LIST).flush(list([primary()]));
    await settle();
    // The stream endpoint is not served: the EventSource errors and the page polls instead.
    FakeEventSource.instances[0]?.onerror?.(new Event('error'));
    // Polled with a deadline: the interval is real (20 ms here) and exhaustMap holds further ticks meanwhile.
    const deadline = Date.now() + 2_000;
    let polls = backend.match(`${LIST}/health`);
    while (polls.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      polls = backend.match(`${LIST}/health`);
    }
    const poll = polls[0];
    if (!poll) throw new Error('the page did not poll GET /health');
    poll.flush({
      object: 'list',
      hasMore: false,
      data: [
        {
          id: 'gw_a',
          code: 'primary',
          status: 'down',
          successRate: 0.25,
          p95LatencyMs: 900,
          checkedAt: '2026-11-26T10:30:00.000Z',
        },
      ],
    });
    await settle();
    expect(byTestId('gateways-live-indicator')?.dataset['state']).toBe('reconnecting');
    expect(inRow('gw_a', 'gateway-health-status')?.textContent).toContain('down');
    expect(inRow('gw_a', 'gateway-success-rate')?.textContent?.trim()).toBe('25%');
    fixture.destroy();
  });

  it('creates a Razorpay gateway with write-only credentials and shows the webhook secret once', async () => {
    await renderWith(['admin'], [primary()]);
    byTestId('gateway-create-open')?.click();
    await settle();
    expect(byTestId<HTMLInputElement>('gateway-priority')?.value).toBe('20');
    expect(byTestId<HTMLInputElement>('gateway-credential-keySecret')?.type).toBe('password');

    type('gateway-code', 'rzp-main');
    type('gateway-name', 'Razorpay main');
    type('gateway-currencies', 'inr, usd');
    byTestId<HTMLInputElement>('gateway-method-wallet')?.click();
    type('gateway-credential-keyId', 'rzp_test_ABCDEFGH1234');
    type('gateway-credential-keySecret', 'shh-secret');
    type('gateway-config-baseUrl', 'http://127.0.0.1:9999');
    byTestId<HTMLButtonElement>('gateway-form-submit')?.click();
    await settle();

    const create = backend.expectOne((r) => r.method === 'POST' && r.url === LIST);
    expect(create.request.body).toEqual({
      code: 'rzp-main',
      name: 'Razorpay main',
      provider: 'razorpay',
      priority: 20,
      enabled: true,
      currencies: ['INR', 'USD'],
      methods: ['upi', 'card', 'netbanking'],
      config: { baseUrl: 'http://127.0.0.1:9999' },
      credentials: { keyId: 'rzp_test_ABCDEFGH1234', keySecret: 'shh-secret' },
    });
    const created: CreatedGateway = {
      ...gatewayView('gw_new', { code: 'rzp-main', provider: 'razorpay', priority: 20 }),
      webhookSecret: 'whsec-once-only-1234567890',
    };
    create.flush(created, { status: 201, statusText: 'Created' });
    await settle();
    backend.expectOne(LIST).flush(list([primary(), created]));
    await settle();

    expect(byTestId<HTMLInputElement>('one-time-secret-value')?.value).toBe('whsec-once-only-1234567890');
    expect(byTestId('gateway-form')).toBeNull();
    expect(order()).toEqual(['gw_a', 'gw_new']);
  });

  it('checks the credentials of the provider chosen, PhonePe v1 and v2 alike, before sending', async () => {
    await renderWith(['admin'], []);
    byTestId('gateway-create-open')?.click();
    await settle();
    type('gateway-provider', 'phonepe');
    await settle();
    expect(byTestId('gateway-credential-clientId')).not.toBeNull();
    expect(byTestId('gateway-credential-saltKey')).toBeNull();

    type('gateway-config-mode', 'v1');
    await settle();
    expect(byTestId('gateway-credential-clientId')).toBeNull();
    type('gateway-code', 'phonepe-v1');
    type('gateway-name', 'PhonePe legacy');
    type('gateway-credential-merchantId', 'MERCHANTUAT');
    type('gateway-credential-saltIndex', 'x');
    byTestId<HTMLButtonElement>('gateway-form-submit')?.click();
    await settle();

    backend.expectNone((r) => r.method === 'POST' && r.url === LIST);
    expect(byTestId('gateway-error-credentials-saltKey')?.textContent).toContain('Salt key is required');
    expect(byTestId('gateway-error-credentials-saltIndex')?.textContent).toContain('positive whole number');

    type('gateway-credential-saltKey', 'salt');
    type('gateway-credential-saltIndex', '1');
    await settle();
    // Corrected fields lose their complaint as they are typed, not only on the next submit.
    expect(byTestId('gateway-error-credentials-saltKey')).toBeNull();
    expect(byTestId('gateway-error-credentials-saltIndex')).toBeNull();
    byTestId<HTMLButtonElement>('gateway-form-submit')?.click();
    await settle();
    const create = backend.expectOne((r) => r.method === 'POST' && r.url === LIST);
    expect(create.request.body).toMatchObject({
      provider: 'phonepe',
      config: { mode: 'v1' },
      credentials: { merchantId: 'MERCHANTUAT', saltKey: 'salt', saltIndex: '1' },
    });
    create.flush(
      {
        error: {
          type: 'invalid_request_error',
          code: 'parameter_invalid',
          message: 'credentials.merchantId must be 1 to 37 letters, digits, _ or -',
          param: 'credentials.merchantId',
          requestId: 'req_cred',
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();
    expect(byTestId('gateway-error-credentials-merchantId')?.textContent).toContain('must be 1 to 37');
    expect(byTestId('gateway-form-error')).toBeNull();
  });

  it('asks PhonePe v2 for the webhook username and password set in its dashboard, by PhonePe’s rules', async () => {
    await renderWith(['admin'], []);
    byTestId('gateway-create-open')?.click();
    await settle();
    type('gateway-provider', 'phonepe');
    await settle();
    type('gateway-code', 'phonepe-v2');
    type('gateway-name', 'PhonePe');
    type('gateway-credential-clientId', 'CLIENT_UAT');
    type('gateway-credential-clientSecret', 'client-secret');
    type('gateway-credential-clientVersion', '1');
    type('gateway-credential-webhookUsername', 'abc');
    type('gateway-credential-webhookPassword', 'lettersonly');
    byTestId<HTMLButtonElement>('gateway-form-submit')?.click();
    await settle();

    backend.expectNone((r) => r.method === 'POST' && r.url === LIST);
    expect(byTestId('gateway-error-credentials-webhookUsername')?.textContent).toContain('5 to 20');
    expect(byTestId('gateway-error-credentials-webhookPassword')?.textContent).toContain('letters and digits');
    expect(byTestId<HTMLInputElement>('gateway-credential-webhookPassword')?.type).toBe('password');

    type('gateway-credential-webhookUsername', 'lsp_hook');
    type('gateway-credential-webhookPassword', 'secret123pass');
    byTestId<HTMLButtonElement>('gateway-form-submit')?.click();
    await settle();
    const create = backend.expectOne((r) => r.method === 'POST' && r.url === LIST);
    expect(create.request.body).toMatchObject({
      provider: 'phonepe',
      config: { mode: 'v2' },
      credentials: {
        clientId: 'CLIENT_UAT',
        clientSecret: 'client-secret',
        clientVersion: '1',
        webhookUsername: 'lsp_hook',
        webhookPassword: 'secret123pass',
      },
    });
  });

  it('shows an API error on the field it names, and a general one above the form', async () => {
    await renderWith(['admin'], [primary()]);
    byTestId('gateway-create-open')?.click();
    await settle();
    type('gateway-provider', 'sandbox');
    await settle();
    type('gateway-code', 'primary');
    type('gateway-name', 'Dup');
    byTestId<HTMLButtonElement>('gateway-form-submit')?.click();
    backend
      .expectOne((r) => r.method === 'POST')
      .flush(
        {
          error: {
            type: 'conflict',
            code: 'gateway_code_taken',
            message: "A gateway with code 'primary' already exists",
            param: 'code',
            requestId: 'req_dup',
          },
        },
        { status: 409, statusText: 'Conflict' },
      );
    await settle();
    expect(byTestId('gateway-error-code')?.textContent).toContain('already exists');
    expect(byTestId<HTMLInputElement>('gateway-code')?.getAttribute('aria-invalid')).toBe('true');

    byTestId<HTMLButtonElement>('gateway-form-submit')?.click();
    backend
      .expectOne((r) => r.method === 'POST')
      .flush(apiErrorBody('api_error', 'unavailable', 'Database unavailable', 'req_db'), {
        status: 503,
        statusText: 'Unavailable',
      });
    await settle();
    expect(byTestId('gateway-form-error')?.textContent).toContain('Database unavailable');
    expect(byTestId('gateway-form-error')?.textContent).toContain('req_db');
  });

  it('edits without pre-filling credentials; blank keeps them, a partial set is refused', async () => {
    await renderWith(['admin'], [primary(), secondary()]);
    inRow('gw_b', 'gateway-edit')?.click();
    await settle();
    const keyId = byTestId<HTMLInputElement>('gateway-credential-keyId');
    expect(keyId?.value).toBe('');
    expect(keyId?.placeholder).toBe('Current: rzp_test_••••abcd');
    expect(byTestId<HTMLSelectElement>('gateway-provider')?.disabled).toBe(true);
    expect(byTestId<HTMLInputElement>('gateway-code')?.value).toBe('rzp');
    expect(byTestId('gateway-secrets-key-version')?.textContent).toBe('v1');

    type('gateway-credential-keyId', 'rzp_test_NEWKEY123456');
    byTestId<HTMLButtonElement>('gateway-form-submit')?.click();
    await settle();
    backend.expectNone((r) => r.method === 'PUT');
    expect(byTestId('gateway-error-credentials-keySecret')?.textContent).toContain('enter all of them');

    type('gateway-credential-keyId', '');
    type('gateway-name', 'Razorpay renamed');
    byTestId<HTMLButtonElement>('gateway-form-submit')?.click();
    await settle();
    const put = backend.expectOne(`${LIST}/gw_b`);
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual({
      code: 'rzp',
      name: 'Razorpay renamed',
      enabled: true,
      currencies: ['INR'],
      methods: ['upi', 'card'],
      config: {},
    });
    put.flush({ ...secondary(), name: 'Razorpay renamed' });
    await settle();
    backend.expectOne(LIST).flush(list([primary(), { ...secondary(), name: 'Razorpay renamed' }]));
    await settle();
    expect(inRow('gw_b', 'gateway-name-cell')?.textContent).toContain('Razorpay renamed');
  });

  it('refills the open form when another gateway is edited', async () => {
    await renderWith(['admin'], [primary(), secondary()]);
    inRow('gw_b', 'gateway-edit')?.click();
    await settle();
    type('gateway-name', 'half-typed');
    inRow('gw_a', 'gateway-edit')?.click();
    await settle();
    expect(byTestId<HTMLInputElement>('gateway-code')?.value).toBe('primary');
    expect(byTestId<HTMLInputElement>('gateway-name')?.value).toBe('Primary');
    expect(byTestId('gateway-credentials')).toBeNull();
    byTestId<HTMLButtonElement>('gateway-form-submit')?.click();
    await settle();
    const put = backend.expectOne(`${LIST}/gw_a`);
    expect(put.request.body).toMatchObject({ code: 'primary', name: 'Primary' });
    put.flush(primary());
    await settle();
    backend.expectOne(LIST).flush(list([primary(), secondary()]));
  });

  it('saves a new order atomically and shows the server order', async () => {
    const third = gatewayView('gw_c', { code: 'third', priority: 30 });
    await renderWith(['admin'], [primary(), secondary(), third]);
    inRow('gw_c', 'gateway-move-up')?.click();
    await settle();
    expect(order()).toEqual(['gw_a', 'gw_c', 'gw_b']);

    const put = backend.expectOne(`${LIST}/priority`);
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual([
      { id: 'gw_c', priority: 20 },
      { id: 'gw_b', priority: 30 },
    ]);
    put.flush(list([primary(), { ...third, priority: 20 }, { ...secondary(), priority: 30 }]));
    await settle();
    expect(order()).toEqual(['gw_a', 'gw_c', 'gw_b']);
    expect(inRow('gw_c', 'gateway-priority-cell')?.textContent?.trim()).toBe('20');
  });

  it('reverts the order when the server refuses it', async () => {
    await renderWith(['admin'], [primary(), secondary()]);
    inRow('gw_a', 'gateway-move-down')?.click();
    await settle();
    expect(order()).toEqual(['gw_b', 'gw_a']);
    backend.expectOne(`${LIST}/priority`).flush(
      {
        error: {
          type: 'conflict',
          code: 'priority_collision',
          message: 'Priority 10 would be shared by rzp and other',
          param: 'priority',
          requestId: 'req_pc',
        },
      },
      { status: 409, statusText: 'Conflict' },
    );
    await settle();
    expect(order()).toEqual(['gw_a', 'gw_b']);
    expect(inRow('gw_a', 'gateway-priority-cell')?.textContent?.trim()).toBe('10');
  });

  it('tests a connection and shows the outcome with its latency or error class', async () => {
    await renderWith(['admin'], [primary(), secondary()]);
    inRow('gw_a', 'gateway-test')?.click();
    await settle();
    expect(inRow('gw_a', 'gateway-test')?.textContent).toContain('Testing');
    backend.expectOne(`${LIST}/gw_a/test`).flush({ ok: true, latencyMs: 42 });
    await settle();
    expect(inRow('gw_a', 'gateway-test-result')?.textContent).toContain('Connected');
    expect(inRow('gw_a', 'gateway-test-result')?.textContent).toContain('42 ms');

    inRow('gw_b', 'gateway-test')?.click();
    backend.expectOne(`${LIST}/gw_b/test`).flush({ ok: false, latencyMs: 5000, errorClass: 'timeout' });
    await settle();
    expect(inRow('gw_b', 'gateway-test-result')?.dataset['ok']).toBe('false');
    expect(inRow('gw_b', 'gateway-test-error-class')?.textContent).toBe('timeout');
    expect(inRow('gw_b', 'gateway-test-result')?.textContent).toContain('5,000 ms');
  });

  it('deletes only after confirmation and shows the refusal while payments are in flight', async () => {
    await renderWith(['admin'], [primary(), secondary()]);
    inRow('gw_b', 'gateway-delete')?.click();
    await settle();
    expect(byTestId('confirm-dialog')).not.toBeNull();
    backend.expectNone((r) => r.method === 'DELETE');

    byTestId('confirm-accept')?.click();
    backend.expectOne(`${LIST}/gw_b`).flush(
      {
        error: {
          type: 'conflict',
          code: 'gateway_in_use',
          message: 'Payments are still in flight at this gateway; retry once they settle',
          requestId: 'req_del',
        },
      },
      { status: 409, statusText: 'Conflict' },
    );
    await settle();
    expect(byTestId('confirm-dialog')).toBeNull();
    expect(byTestId('gateway-action-error')?.textContent).toContain('still in flight');
    expect(byTestId('gateway-action-error')?.textContent).toContain('req_del');
    expect(order()).toEqual(['gw_a', 'gw_b']);

    inRow('gw_a', 'gateway-delete')?.click();
    await settle();
    byTestId('confirm-accept')?.click();
    const del = backend.expectOne(`${LIST}/gw_a`);
    expect(del.request.method).toBe('DELETE');
    del.flush({ id: 'gw_a', object: 'gateway', deleted: true });
    await settle();
    expect(order()).toEqual(['gw_b']);
  });

  it('disables after confirmation and enables directly', async () => {
    await renderWith(['admin'], [primary()]);
    inRow('gw_a', 'gateway-disable')?.click();
    await settle();
    byTestId('confirm-accept')?.click();
    const put = backend.expectOne(`${LIST}/gw_a`);
    expect(put.request.body).toEqual({ enabled: false });
    put.flush({ ...primary(), enabled: false });
    await settle();
    expect(inRow('gw_a', 'gateway-enabled')?.textContent).toBe('disabled');

    inRow('gw_a', 'gateway-enable')?.click();
    backend.expectOne(`${LIST}/gw_a`).flush(primary());
    await settle();
    expect(inRow('gw_a', 'gateway-enabled')?.textContent).toBe('enabled');
  });

  it('opens the health panel with history, and an empty state when history is not recorded', async () => {
    await renderWith(['sre'], [primary(), secondary()]);
    inRow('gw_a', 'gateway-health-open')?.click();
    await settle();
    const history = backend.expectOne((r) => r.url === `${LIST}/gw_a/health/history`);
    const from = Date.parse(history.request.params.get('from') ?? '');
    const to = Date.parse(history.request.params.get('to') ?? '');
    expect(to - from).toBe(24 * 3_600_000);
    history.flush({
      data: [
        {
          at: '2026-11-26T09:00:00.000Z',
          status: 'healthy',
          successRate: 1,
          p95LatencyMs: 200,
          attempts: 10,
          failures: 0,
          probeLatencyMs: 30,
          probeError: null,
        },
        {
          at: '2026-11-26T09:05:00.000Z',
          status: 'degraded',
          successRate: 0.8,
          p95LatencyMs: 900,
          attempts: 10,
          failures: 2,
          probeLatencyMs: null,
          probeError: 'timeout',
        },
      ],
    });
    await settle();
    expect(byTestId('gateway-health-totals')?.textContent).toContain('20 attempts, 2 failed');
    expect(byTestId('gateway-success-chart-summary')?.textContent).toContain('latest 80%');
    expect(byTestId('gateway-latency-chart-summary')?.textContent).toContain('latest 900 ms');

    byTestId('gateway-health-close')?.click();
    await settle();
    inRow('gw_b', 'gateway-health-open')?.click();
    await settle();
    backend
      .expectOne((r) => r.url === `${LIST}/gw_b/health/history`)
      .flush(apiErrorBody('not_found', 'resource_missing', 'Not found'), { status: 404, statusText: 'Not Found' });
    await settle();
    expect(byTestId('state-empty')?.textContent).toContain('No health samples');
    expect(byTestId('state-error')).toBeNull();
  });

  it('shows an error state with the request id, and retries', async () => {
    await render(['admin']);
    backend.expectOne(TICKET).flush({ ticket: 'tkt_1', expiresIn: 60 });
    backend.expectOne(LIST).flush(apiErrorBody('api_error', 'unavailable', 'Database unavailable', 'req_db'), {
      status: 503,
      statusText: 'Unavailable',
    });
    await settle();
    expect(byTestId('state-error')?.textContent).toContain('Database unavailable');
    byTestId('state-retry')?.click();
    backend.expectOne(LIST).flush(list([]));
    await settle();
    expect(byTestId('state-empty')?.textContent).toContain('No gateways yet.');
  });
});

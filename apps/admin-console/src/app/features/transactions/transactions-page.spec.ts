import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { ListResponse, PaymentView, RefundView, Role } from '@lsp/contracts';
import { Subject } from 'rxjs';
import { storeSession } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { errorInterceptor } from '../../core/errors/error.interceptor';
import { SseService, type StreamMessage } from '../../core/live/sse.service';
import { NotificationService } from '../../core/notifications/notification.service';
import type { PaymentTimelineEntry } from './transactions-api.service';
import type { TransactionStreamEvent } from './transactions-live';
import { TransactionsPage } from './transactions-page';

const ADMIN = '/api/v1/admin/payments';
const MERCHANT = '/api/v1/payments';

function payment(id: string, overrides: Partial<PaymentView> = {}): PaymentView {
  return {
    id,
    object: 'payment',
    merchantId: 'mer_1',
    amount: 10000,
    currency: 'INR',
    method: 'upi',
    status: 'captured',
    description: null,
    customer: null,
    returnUrl: null,
    gateway: 'sandbox',
    gatewayReference: 'sbx_1',
    amountRefunded: 0,
    attempts: [
      {
        id: 'att_1',
        gateway: 'sandbox',
        status: 'succeeded',
        retryable: false,
        latencyMs: 42,
        createdAt: '2026-11-26T10:00:00Z',
        routing: {
          reason: 'sandbox: first healthy candidate by priority',
          candidates: [
            { code: 'razorpay', priority: 1, skipped: 'currency not supported' },
            { code: 'sandbox', priority: 2 },
          ],
        },
      },
    ],
    metadata: {},
    needsReview: false,
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:01.000Z',
    ...overrides,
  };
}

function list(data: PaymentView[], hasMore = false): ListResponse<PaymentView> {
  return { object: 'list', data, hasMore };
}

function timeline(entries: [string, string][]): { object: 'list'; data: PaymentTimelineEntry[] } {
  return { object: 'list', data: entries.map(([type, occurredAt], i) => ({ id: `evt_${i}`, type, occurredAt })) };
}

function refund(overrides: Partial<RefundView> = {}): RefundView {
  return {
    id: 'rfd_1',
    object: 'refund',
    paymentId: 'pay_1',
    merchantId: 'mer_1',
    amount: 2500,
    currency: 'INR',
    status: 'succeeded',
    reason: null,
    createdAt: '2026-11-26T11:00:00Z',
    updatedAt: '2026-11-26T11:00:00Z',
    ...overrides,
  };
}

/** Stands in for the SSE service: the test pushes connection states and events. */
class FakeSse {
  readonly stream = new Subject<StreamMessage<TransactionStreamEvent>>();
  readonly connect = jest.fn(() => this.stream.asObservable());
}

function liveEvent(type: string, object: PaymentView | RefundView): StreamMessage<TransactionStreamEvent> {
  const data = {
    id: `evt_${type}`,
    type,
    merchantId: object.merchantId,
    aggregateType: object.object,
    aggregateId: object.id,
    occurredAt: object.updatedAt,
    data: { object },
  } as TransactionStreamEvent;
  return { kind: 'event', id: data.id, type, data };
}

describe('TransactionsPage', () => {
  let fixture: ComponentFixture<TransactionsPage>;
  let backend: HttpTestingController;
  let sse: FakeSse;
  let el: HTMLElement;

  async function render(roles: Role[]) {
    sessionStorage.clear();
    storeSession(roles);
    sse = new FakeSse();
    TestBed.configureTestingModule({
      imports: [TransactionsPage],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])),
        provideHttpClientTesting(),
        { provide: SseService, useValue: sse },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(TransactionsPage);
    el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  const byTestId = <T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = el) =>
    root.querySelector<T>(`[data-testid="${id}"]`);
  const allByTestId = (id: string, root: ParentNode = el) =>
    Array.from(root.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));
  const text = (id: string, root: ParentNode = el) => byTestId(id, root)?.textContent?.replace(/\s+/g, ' ').trim();
  const row = (id: string) => el.querySelector<HTMLElement>(`[data-testid="payment-row"][data-payment-id="${id}"]`)!;

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

  /** Opens a row's panel and answers its two reads. */
  async function openDetail(base: string, shown: PaymentView, events: [string, string][] = []) {
    row(shown.id).querySelector<HTMLButtonElement>('[data-testid="payment-open"]')!.click();
    await settle();
    backend.expectOne(`${base}/${shown.id}`).flush(shown);
    backend.expectOne(`${base}/${shown.id}/timeline`).flush(timeline(events));
    await settle();
  }

  afterEach(() => backend.verify());

  it('lists every merchant’s payments for staff, with amounts in each currency’s minor unit', async () => {
    await render(['admin']);
    expect(byTestId('state-loading')).not.toBeNull();
    backend
      .expectOne(`${ADMIN}?limit=20`)
      .flush(
        list([
          payment('pay_3', { amount: 1234, currency: 'KWD', status: 'pending', merchantId: 'mer_2', gateway: null }),
          payment('pay_2', { amount: 500, currency: 'JPY', status: 'failed' }),
          payment('pay_1', { status: 'partially_refunded', amountRefunded: 2500 }),
        ]),
      );
    await settle();

    expect(allByTestId('payment-amount').map((a) => a.textContent?.replace(/\u00a0/g, ' '))).toEqual([
      'KWD 1.234',
      '¥500',
      '₹100.00',
    ]);
    expect(allByTestId('payment-status').map((s) => s.textContent?.trim())).toEqual([
      'pending',
      'failed',
      'partially refunded',
    ]);
    expect(text('payment-amount-refunded', row('pay_1'))).toBe('−₹25.00 refunded');
    expect(allByTestId('payment-merchant').map((m) => m.textContent)).toEqual(['mer_2', 'mer_1', 'mer_1']);
    expect(byTestId('transactions-filter-merchant')).not.toBeNull();
    expect(sse.connect).toHaveBeenCalledWith('transactions', expect.arrayContaining(['payment.captured']));
  });

  it('shows the stream’s connection state', async () => {
    await render(['sre']);
    backend.expectOne(`${ADMIN}?limit=20`).flush(list([]));
    await settle();
    expect(byTestId('state-empty')?.textContent).toContain('No payments yet.');

    sse.stream.next({ kind: 'state', state: 'open' });
    await settle();
    expect(byTestId('live-indicator')?.dataset['state']).toBe('open');
    expect(text('live-indicator')).toBe('Live');

    sse.stream.next({ kind: 'state', state: 'reconnecting', retryInMs: 2000 });
    await settle();
    expect(text('live-indicator')).toBe('Reconnecting…');
  });

  it('sends only the filters that are filled in, from the first page', async () => {
    await render(['finance']);
    backend.expectOne(`${ADMIN}?limit=20`).flush(list([payment('pay_2'), payment('pay_1')], true));
    await settle();
    byTestId('transactions-next')?.click();
    backend.expectOne(`${ADMIN}?limit=20&startingAfter=pay_1`).flush(list([]));
    await settle();

    type('transactions-filter-status', 'partially_refunded');
    type('transactions-filter-merchant', ' mer_42 ');
    type('transactions-filter-from', '2026-11-01');
    byTestId('transactions-filter-apply')?.click();

    const req = backend.expectOne((r) => r.url === ADMIN);
    const params = req.request.params;
    expect(params.get('status')).toBe('partially_refunded');
    expect(params.get('merchantId')).toBe('mer_42');
    expect(params.get('createdFrom')).toBe(new Date('2026-11-01T00:00:00').toISOString());
    expect(params.has('createdTo')).toBe(false);
    expect(params.has('startingAfter')).toBe(false);
    req.flush(list([]));
    await settle();
    expect(byTestId('state-empty')?.textContent).toContain('No payments match these filters.');
  });

  it('refuses a merchant id that is not one, without asking the API', async () => {
    await render(['admin']);
    backend.expectOne(`${ADMIN}?limit=20`).flush(list([]));
    await settle();
    type('transactions-filter-merchant', 'acme');
    byTestId('transactions-filter-apply')?.click();
    await settle();
    expect(byTestId('transactions-filter-merchant-error')).not.toBeNull();
    backend.expectNone((r) => r.url === ADMIN);
  });

  it('shows the API error with its request id, and retries', async () => {
    await render(['admin']);
    backend
      .expectOne(`${ADMIN}?limit=20`)
      .flush(
        { error: { type: 'api_error', code: 'unavailable', message: 'Database unavailable', requestId: 'req_db' } },
        { status: 503, statusText: 'Unavailable' },
      );
    await settle();
    expect(byTestId('state-error')?.textContent).toContain('Database unavailable');
    expect(text('state-request-id')).toBe('req_db');
    // The page shows it; no toast on top.
    expect(TestBed.inject(NotificationService).toasts()).toEqual([]);

    byTestId('state-retry')?.click();
    backend.expectOne(`${ADMIN}?limit=20`).flush(list([payment('pay_1')]));
    await settle();
    expect(allByTestId('payment-row')).toHaveLength(1);
  });

  it('opens a payment: amounts, attempts with routing reason and skipped candidates, timeline', async () => {
    await render(['sre']);
    backend.expectOne(`${ADMIN}?limit=20`).flush(list([payment('pay_1')]));
    await settle();
    const failedFirst = payment('pay_1', {
      status: 'partially_refunded',
      amountRefunded: 2500,
      attempts: [
        {
          id: 'att_0',
          gateway: 'razorpay',
          status: 'failed_retryable',
          errorCode: 'gateway_unavailable',
          errorMessage: 'HTTP 503 before acceptance',
          retryable: true,
          latencyMs: 120,
          createdAt: '2026-11-26T10:00:00Z',
          routing: { reason: 'razorpay: priority 1', candidates: [{ code: 'razorpay', priority: 1 }] },
        },
        ...payment('pay_1').attempts,
      ],
    });
    await openDetail(ADMIN, failedFirst, [
      ['payment.captured', '2026-11-26T10:00:01Z'],
      ['payment.created', '2026-11-26T10:00:00Z'],
    ]);

    const panel = byTestId('payment-detail')!;
    expect(text('detail-amount', panel)).toBe('₹100.00');
    expect(text('detail-captured', panel)).toBe('₹100.00');
    expect(text('detail-refunded', panel)).toBe('₹25.00');
    const attempts = allByTestId('attempt-row', panel);
    expect(attempts.map((a) => text('attempt-gateway', a))).toEqual(['razorpay', 'sandbox']);
    expect(text('attempt-status', attempts[0])).toBe('failed retryable');
    expect(text('attempt-error', attempts[0])).toContain('gateway_unavailable');
    expect(text('attempt-error', attempts[0])).toContain('HTTP 503 before acceptance');
    expect(text('attempt-retryable', attempts[0])).toBe('yes');
    expect(text('attempt-latency', attempts[0])).toBe('120 ms');
    expect(allByTestId('routing-reason', panel).map((r) => r.textContent)).toEqual([
      'razorpay: priority 1',
      'sandbox: first healthy candidate by priority',
    ]);
    expect(allByTestId('routing-skipped', panel).map((s) => s.textContent?.trim())).toEqual([
      'skipped: currency not supported',
    ]);
    // Oldest first.
    expect(allByTestId('timeline-entry', panel).map((t) => t.dataset['type'])).toEqual([
      'payment.created',
      'payment.captured',
    ]);
    expect(row('pay_1').textContent).toContain('partially refunded');

    // sre investigates but does not move money.
    expect(byTestId('refund-form', panel)).toBeNull();
    expect(byTestId('refund-submit', panel)).toBeNull();

    byTestId('payment-detail-close')?.click();
    await settle();
    expect(byTestId('payment-detail')).toBeNull();
  });

  it('refunds after confirmation, with one Idempotency-Key per confirmed refund, and shows the new state', async () => {
    await render(['finance']);
    const uuid = jest.spyOn(crypto, 'randomUUID').mockReturnValue('0b6f0c3e-0000-4000-8000-000000000001');
    backend.expectOne(`${ADMIN}?limit=20`).flush(list([payment('pay_1')]));
    await settle();
    await openDetail(ADMIN, payment('pay_1'));

    // Defaults to everything still refundable, in major units.
    expect(byTestId<HTMLInputElement>('refund-amount')?.value).toBe('100.00');
    type('refund-amount', '25');
    type('refund-reason', 'damaged in transit');
    byTestId('refund-submit')?.click();
    await settle();

    expect(byTestId('confirm-dialog')?.textContent).toContain('₹25.00 of pay_1');
    backend.expectNone((r) => r.method === 'POST');
    byTestId('confirm-accept')?.click();

    const post = backend.expectOne(`${ADMIN}/pay_1/refunds`);
    expect(post.request.method).toBe('POST');
    expect(post.request.body).toEqual({ amount: 2500, reason: 'damaged in transit' });
    expect(post.request.headers.get('Idempotency-Key')).toBe('0b6f0c3e-0000-4000-8000-000000000001');
    post.flush(refund(), { status: 201, statusText: 'Created' });
    await settle();

    // Re-read, with or without a live stream.
    const after = payment('pay_1', {
      status: 'partially_refunded',
      amountRefunded: 2500,
      updatedAt: '2026-11-26T11:00:00Z',
    });
    backend.expectOne(`${ADMIN}/pay_1`).flush(after);
    backend.expectOne(`${ADMIN}/pay_1/timeline`).flush(
      timeline([
        ['payment.captured', '2026-11-26T10:00:01Z'],
        ['refund.succeeded', '2026-11-26T11:00:00Z'],
      ]),
    );
    await settle();

    expect(byTestId('confirm-dialog')).toBeNull();
    expect(text('detail-refunded')).toBe('₹25.00');
    expect(text('detail-status')).toContain('partially refunded');
    expect(row('pay_1').textContent).toContain('partially refunded');
    expect(byTestId<HTMLInputElement>('refund-amount')?.value).toBe('75.00');
    expect(
      TestBed.inject(NotificationService)
        .toasts()
        .map((t) => t.message),
    ).toContain('Refunded ₹25.00.');
    expect(uuid).toHaveBeenCalledTimes(1);
  });

  it('cancelling the confirmation sends nothing', async () => {
    await render(['admin']);
    backend.expectOne(`${ADMIN}?limit=20`).flush(list([payment('pay_1')]));
    await settle();
    await openDetail(ADMIN, payment('pay_1'));
    byTestId('refund-submit')?.click();
    await settle();
    byTestId('confirm-cancel')?.click();
    await settle();
    expect(byTestId('confirm-dialog')).toBeNull();
    backend.expectNone((r) => r.method === 'POST');
  });

  it('refuses an amount above what is left, before asking', async () => {
    await render(['admin']);
    backend.expectOne(`${ADMIN}?limit=20`).flush(list([payment('pay_1')]));
    await settle();
    await openDetail(ADMIN, payment('pay_1', { status: 'partially_refunded', amountRefunded: 9000 }));
    type('refund-amount', '10.01');
    byTestId('refund-submit')?.click();
    await settle();
    expect(text('refund-amount-error')).toBe('At most ₹10.00 can be refunded.');
    expect(byTestId('confirm-dialog')).toBeNull();

    type('refund-amount', '1.234');
    await settle();
    expect(text('refund-amount-error')).toContain('at most 2 decimals');
  });

  it.each([
    ['refund_exceeds_captured', 'That is more than is left to refund (₹100.00)'],
    ['payment_not_captured', 'Only a captured payment can be refunded'],
    ['insufficient_funds', "The merchant's wallet does not hold enough"],
  ])('explains a 409 %s readably', async (code, expected) => {
    await render(['admin']);
    backend.expectOne(`${ADMIN}?limit=20`).flush(list([payment('pay_1')]));
    await settle();
    await openDetail(ADMIN, payment('pay_1'));
    byTestId('refund-submit')?.click();
    await settle();
    byTestId('confirm-accept')?.click();
    backend
      .expectOne(`${ADMIN}/pay_1/refunds`)
      .flush(
        { error: { type: 'conflict', code, message: code, requestId: 'req_409' } },
        { status: 409, statusText: 'Conflict' },
      );
    await settle();
    expect(text('refund-error')).toContain(expected);
    expect(text('refund-error')).toContain('req_409');
    expect(byTestId('confirm-dialog')).toBeNull();
  });

  it('reuses the Idempotency-Key when the same refund is confirmed again after a lost answer', async () => {
    await render(['admin']);
    jest
      .spyOn(crypto, 'randomUUID')
      .mockReturnValueOnce('00000000-0000-4000-8000-00000000000a')
      .mockReturnValueOnce('00000000-0000-4000-8000-00000000000b');
    backend.expectOne(`${ADMIN}?limit=20`).flush(list([payment('pay_1')]));
    await settle();
    await openDetail(ADMIN, payment('pay_1'));

    const confirmRefund = async () => {
      byTestId('refund-submit')?.click();
      await settle();
      byTestId('confirm-accept')?.click();
      return backend.expectOne(`${ADMIN}/pay_1/refunds`);
    };

    const first = await confirmRefund();
    first.error(new ProgressEvent('error'));
    await settle();
    const second = await confirmRefund();
    expect(second.request.headers.get('Idempotency-Key')).toBe(first.request.headers.get('Idempotency-Key'));
    second.flush(
      { error: { type: 'conflict', code: 'refund_exceeds_captured', message: 'x', requestId: 'r' } },
      { status: 409, statusText: 'Conflict' },
    );
    await settle();
    // A clear refusal settles it: the next confirmation is a new refund.
    const third = await confirmRefund();
    expect(third.request.headers.get('Idempotency-Key')).toBe('00000000-0000-4000-8000-00000000000b');
    third.flush(refund({ amount: 10000 }), { status: 201, statusText: 'Created' });
    await settle();
    backend.expectOne(`${ADMIN}/pay_1`).flush(payment('pay_1', { status: 'refunded', amountRefunded: 10000 }));
    backend.expectOne(`${ADMIN}/pay_1/timeline`).flush(timeline([]));
    await settle();
    expect(text('refund-unavailable')).toBe('Fully refunded.');
  });

  it('a merchant user reads and refunds through the merchant routes, without the merchant filter', async () => {
    await render(['merchant']);
    jest.spyOn(crypto, 'randomUUID').mockReturnValue('00000000-0000-4000-8000-0000000000cc');
    backend.expectOne(`${MERCHANT}?limit=20`).flush(list([payment('pay_1')]));
    await settle();
    expect(byTestId('transactions-filter-merchant')).toBeNull();
    expect(byTestId('payment-merchant')).toBeNull();

    type('transactions-filter-status', 'captured');
    byTestId('transactions-filter-apply')?.click();
    backend.expectOne(`${MERCHANT}?status=captured&limit=20`).flush(list([payment('pay_1')]));
    await settle();

    await openDetail(MERCHANT, payment('pay_1'));
    type('refund-amount', '25.00');
    byTestId('refund-submit')?.click();
    await settle();
    byTestId('confirm-accept')?.click();
    const post = backend.expectOne(`${MERCHANT}/pay_1/refunds`);
    expect(post.request.headers.get('Idempotency-Key')).toBe('00000000-0000-4000-8000-0000000000cc');
    post.flush(refund(), { status: 201, statusText: 'Created' });
    await settle();
    backend
      .expectOne(`${MERCHANT}/pay_1`)
      .flush(payment('pay_1', { status: 'partially_refunded', amountRefunded: 2500 }));
    backend.expectOne(`${MERCHANT}/pay_1/timeline`).flush(timeline([]));
    await settle();
    backend.expectNone((r) => r.url.startsWith(ADMIN));
  });

  describe('live updates', () => {
    beforeEach(async () => {
      await render(['admin']);
      backend
        .expectOne(`${ADMIN}?limit=20`)
        .flush(
          list([payment('pay_2', { status: 'pending', updatedAt: '2026-11-26T10:00:00.500Z' }), payment('pay_1')]),
        );
      await settle();
    });

    it('updates a row in place and ignores an older copy that arrives late', async () => {
      const captured = payment('pay_2', { status: 'captured', updatedAt: '2026-11-26T10:00:02.000Z' });
      sse.stream.next(liveEvent('payment.captured', captured));
      await settle();
      expect(text('payment-status', row('pay_2'))).toBe('captured');

      sse.stream.next(
        liveEvent('payment.created', payment('pay_2', { status: 'pending', updatedAt: '2026-11-26T10:00:00Z' })),
      );
      await settle();
      expect(text('payment-status', row('pay_2'))).toBe('captured');
    });

    it('prepends a new payment on page one when it matches the filters', async () => {
      sse.stream.next(liveEvent('payment.created', payment('pay_3', { status: 'pending' })));
      await settle();
      expect(allByTestId('payment-row').map((r) => r.dataset['paymentId'])).toEqual(['pay_3', 'pay_2', 'pay_1']);

      type('transactions-filter-merchant', 'mer_1');
      byTestId('transactions-filter-apply')?.click();
      backend.expectOne(`${ADMIN}?merchantId=mer_1&limit=20`).flush(list([payment('pay_1')]));
      await settle();
      sse.stream.next(liveEvent('payment.created', payment('pay_9', { merchantId: 'mer_other' })));
      await settle();
      expect(allByTestId('payment-row').map((r) => r.dataset['paymentId'])).toEqual(['pay_1']);
    });

    it('reloads the list when the server says the resumed stream has gaps', async () => {
      sse.stream.next({
        kind: 'event',
        id: null,
        type: 'stream.truncated',
        data: { replayed: 100, message: 'reload' } as unknown as TransactionStreamEvent,
      });
      backend.expectOne(`${ADMIN}?limit=20`).flush(list([payment('pay_1')]));
      await settle();
      expect(allByTestId('payment-row')).toHaveLength(1);
    });

    it('re-reads a listed payment when one of its refunds settles', async () => {
      sse.stream.next(liveEvent('refund.succeeded', refund({ paymentId: 'pay_1' })));
      backend
        .expectOne(`${ADMIN}/pay_1`)
        .flush(
          payment('pay_1', { status: 'partially_refunded', amountRefunded: 2500, updatedAt: '2026-11-26T11:00:00Z' }),
        );
      await settle();
      expect(text('payment-status', row('pay_1'))).toBe('partially refunded');
      expect(text('payment-amount-refunded', row('pay_1'))).toBe('−₹25.00 refunded');
    });

    it('refreshes the open panel when its payment changes', async () => {
      await openDetail(ADMIN, payment('pay_2', { status: 'pending' }), [['payment.created', '2026-11-26T10:00:00Z']]);
      sse.stream.next(liveEvent('payment.captured', payment('pay_2', { updatedAt: '2026-11-26T10:00:03Z' })));
      await settle();
      backend.expectOne(`${ADMIN}/pay_2`).flush(payment('pay_2', { updatedAt: '2026-11-26T10:00:03Z' }));
      backend.expectOne(`${ADMIN}/pay_2/timeline`).flush(
        timeline([
          ['payment.created', '2026-11-26T10:00:00Z'],
          ['payment.captured', '2026-11-26T10:00:03Z'],
        ]),
      );
      await settle();
      expect(text('detail-status')).toContain('captured');
      expect(allByTestId('timeline-entry')).toHaveLength(2);
    });
  });
});

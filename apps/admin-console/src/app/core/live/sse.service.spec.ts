import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Subscription } from 'rxjs';
import { storeSession } from '../../../testing/session';
import { authInterceptor } from '../auth/auth.interceptor';
import { EVENT_SOURCE_FACTORY, SseService, type StreamMessage } from './sse.service';

const TICKET = '/api/v1/streams/ticket';

/** Just enough of EventSource to drive the service: listeners, open/error hooks, close. */
class FakeEventSource {
  static instances: FakeEventSource[] = [];
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
  }

  open(): void {
    this.onopen?.(new Event('open'));
  }

  fail(): void {
    this.onerror?.(new Event('error'));
  }

  emit(type: string, id: string, data: unknown): void {
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  get params(): URLSearchParams {
    return new URL(this.url, 'http://console.test').searchParams;
  }
}

describe('SseService', () => {
  let backend: HttpTestingController;
  let service: SseService;
  let messages: StreamMessage<{ n: number }>[];
  let subscription: Subscription;

  const latest = () => FakeEventSource.instances[FakeEventSource.instances.length - 1]!;

  beforeEach(() => {
    jest.useFakeTimers();
    FakeEventSource.instances = [];
    sessionStorage.clear();
    storeSession(['admin']);
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        {
          provide: EVENT_SOURCE_FACTORY,
          useValue: (url: string) => new FakeEventSource(url) as unknown as EventSource,
        },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    service = TestBed.inject(SseService);
    messages = [];
    subscription = service
      .connect<{ n: number }>('transactions', ['payment.created', 'payment.captured'])
      .subscribe((message) => messages.push(message));
  });

  afterEach(() => {
    subscription.unsubscribe();
    backend.verify();
    jest.useRealTimers();
  });

  function grantTicket(ticket: string) {
    const request = backend.expectOne(TICKET);
    expect(request.request.method).toBe('POST');
    // The ticket is bought with the bearer token; the EventSource URL carries only the single-use ticket.
    expect(request.request.headers.get('Authorization')).toBe('Bearer access-1');
    request.flush({ ticket, expiresIn: 60 });
  }

  it('opens the stream with a fresh ticket and emits the named events it listens for', () => {
    expect(messages).toEqual([{ kind: 'state', state: 'connecting' }]);
    grantTicket('tkt_1');

    const source = latest();
    expect(source.url).toBe('/api/v1/streams/transactions?ticket=tkt_1');
    source.open();
    source.emit('payment.captured', 'evt_1', { n: 1 });
    source.emit('settlement.paid', 'evt_2', { n: 2 });

    expect(messages.slice(1)).toEqual([
      { kind: 'state', state: 'open' },
      { kind: 'event', id: 'evt_1', type: 'payment.captured', data: { n: 1 } },
    ]);
  });

  it('closes the EventSource when the subscriber unsubscribes', () => {
    grantTicket('tkt_1');
    const source = latest();
    source.open();
    subscription.unsubscribe();
    expect(source.closed).toBe(true);

    // Nothing reopens it afterwards.
    jest.advanceTimersByTime(60_000);
    backend.expectNone(TICKET);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('cancels the ticket request when unsubscribed before the stream opened', () => {
    subscription.unsubscribe();
    const request = backend.expectOne(TICKET);
    expect(request.cancelled).toBe(true);
    expect(FakeEventSource.instances).toHaveLength(0);
  });

  it('on error closes the stream, backs off, buys a new ticket and resumes after the last event', () => {
    grantTicket('tkt_1');
    const first = latest();
    first.open();
    first.emit('payment.created', 'evt_7', { n: 7 });
    first.fail();

    // Closed at once: the browser must not retry with the spent ticket by itself.
    expect(first.closed).toBe(true);
    expect(messages[messages.length - 1]).toEqual({ kind: 'state', state: 'reconnecting', retryInMs: 1_000 });
    jest.advanceTimersByTime(999);
    backend.expectNone(TICKET);
    jest.advanceTimersByTime(1);
    grantTicket('tkt_2');

    const second = latest();
    expect(second).not.toBe(first);
    expect(second.params.get('ticket')).toBe('tkt_2');
    expect(second.params.get('lastEventId')).toBe('evt_7');
    second.open();
    expect(messages[messages.length - 1]).toEqual({ kind: 'state', state: 'open' });
  });

  it('doubles the wait after each failed attempt, also when the ticket itself is refused, and resets once open', () => {
    grantTicket('tkt_1');
    latest().fail();
    jest.advanceTimersByTime(1_000);
    backend.expectOne(TICKET).flush(null, { status: 503, statusText: 'Unavailable' });
    expect(messages[messages.length - 1]).toEqual({ kind: 'state', state: 'reconnecting', retryInMs: 2_000 });

    jest.advanceTimersByTime(1_999);
    backend.expectNone(TICKET);
    jest.advanceTimersByTime(1);
    grantTicket('tkt_3');
    latest().fail();
    expect(messages[messages.length - 1]).toEqual({ kind: 'state', state: 'reconnecting', retryInMs: 4_000 });

    jest.advanceTimersByTime(4_000);
    grantTicket('tkt_4');
    latest().open();
    latest().fail();
    expect(messages[messages.length - 1]).toEqual({ kind: 'state', state: 'reconnecting', retryInMs: 1_000 });
    jest.advanceTimersByTime(1_000);
    grantTicket('tkt_5');
    // No event was received yet, so there is nothing to resume from.
    expect(latest().params.has('lastEventId')).toBe(false);
  });
});

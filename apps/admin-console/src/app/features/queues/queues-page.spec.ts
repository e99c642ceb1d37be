import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { QueueSummary } from '@lsp/contracts';
import { Subject } from 'rxjs';
import { storeSession } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { errorInterceptor } from '../../core/errors/error.interceptor';
import type { OperationsStreamMessage } from '../../core/live/operations-stream';
import { SseService, type StreamMessage } from '../../core/live/sse.service';
import { QueuesPage } from './queues-page';

const URL = '/api/v1/admin/queues';

class FakeSse {
  readonly stream = new Subject<StreamMessage<OperationsStreamMessage<unknown>>>();
  readonly connect = jest.fn(() => this.stream.asObservable());
}

function summary(name: string, overrides: Partial<QueueSummary> = {}): QueueSummary {
  return {
    name,
    description: `${name} jobs`,
    waiting: 1,
    active: 0,
    completed: 10,
    failed: 2,
    delayed: 0,
    paused: 0,
    prioritized: 0,
    isPaused: false,
    throughputPerMinute: 3,
    failureRate: 0.1,
    windowMinutes: 5,
    ...overrides,
  };
}

describe('QueuesPage', () => {
  let fixture: ComponentFixture<QueuesPage>;
  let backend: HttpTestingController;
  let sse: FakeSse;
  let el: HTMLElement;

  const byTestId = <T extends HTMLElement = HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
  const inRow = <T extends HTMLElement = HTMLElement>(queue: string, id: string) =>
    el.querySelector<T>(`[data-testid="queue-row"][data-queue="${queue}"] [data-testid="${id}"]`);

  async function settle() {
    fixture.detectChanges();
    await fixture.whenStable();
  }

  async function render(roles: ('admin' | 'sre' | 'finance')[] = ['sre']) {
    sessionStorage.clear();
    storeSession(roles);
    sse = new FakeSse();
    TestBed.configureTestingModule({
      imports: [QueuesPage],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])),
        provideHttpClientTesting(),
        { provide: SseService, useValue: sse },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(QueuesPage);
    el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
    backend
      .expectOne(URL)
      .flush({ object: 'list', data: [summary('payments'), summary('events', { failed: 0 })], hasMore: false });
    await settle();
    flushJobs();
    await settle();
  }

  /** The jobs panel reads its list (failed jobs of the first queue) on load and after every queue action. */
  function flushJobs(queue = 'payments') {
    backend
      .expectOne((req) => req.url === `${URL}/jobs` && req.params.get('queue') === queue)
      .flush({ object: 'list', data: [], hasMore: false });
  }

  afterEach(() => backend.verify());

  it('takes live counts from queue-stats and keeps throughput from the last read', async () => {
    await render();
    sse.stream.next({
      kind: 'event',
      id: '1-0',
      type: 'queue.stats',
      data: {
        id: '1-0',
        stream: 'queue-stats',
        type: 'queue.stats',
        at: '2026-11-26T10:00:00Z',
        merchantId: null,
        data: {
          at: '2026-11-26T10:00:00Z',
          queues: [
            {
              name: 'payments',
              waiting: 40,
              active: 2,
              completed: 11,
              failed: 5,
              delayed: 3,
              paused: 40,
              isPaused: true,
            },
          ],
        },
      },
    });
    await settle();
    expect(inRow('payments', 'queue-depth')?.textContent).toContain('43');
    expect(inRow('payments', 'queue-failed')?.textContent?.trim()).toBe('5');
    expect(inRow('payments', 'queue-paused')).not.toBeNull();
    expect(inRow('payments', 'queue-throughput')?.textContent?.trim()).toBe('3/min');
  });

  it('cleans only after a valid grace and a confirmation, sending the grace in milliseconds', async () => {
    await render();
    inRow('payments', 'queue-clean')?.click();
    await settle();
    const grace = byTestId<HTMLInputElement>('clean-grace')!;
    grace.value = '-1';
    grace.dispatchEvent(new Event('input'));
    byTestId('clean-submit')?.click();
    await settle();
    expect(byTestId('clean-error')?.textContent).toContain('whole number of minutes');
    expect(byTestId('confirm-dialog')).toBeNull();

    grace.value = '30';
    grace.dispatchEvent(new Event('input'));
    byTestId('clean-submit')?.click();
    await settle();
    expect(byTestId('confirm-dialog')?.textContent).toContain('Remove failed jobs from payments?');
    backend.expectNone(`${URL}/clean`);

    byTestId('confirm-accept')?.click();
    const req = backend.expectOne({ method: 'DELETE', url: `${URL}/clean` });
    expect(req.request.body).toEqual({ queue: 'payments', status: 'failed', olderThanMs: 1_800_000 });
    req.flush({ queue: 'payments', status: 'failed', olderThanMs: 1_800_000, removed: 2 });
    backend.expectOne(URL).flush({ object: 'list', data: [summary('payments', { failed: 0 })], hasMore: false });
    flushJobs();
    await settle();
    expect(byTestId('confirm-dialog')).toBeNull();
  });

  it('pauses and retries through the confirmation dialog; Cancel sends nothing', async () => {
    await render();
    expect(inRow<HTMLButtonElement>('events', 'queue-retry')?.disabled).toBe(true);
    inRow('payments', 'queue-pause')?.click();
    await settle();
    byTestId('confirm-cancel')?.click();
    await settle();
    backend.expectNone(`${URL}/pause`);

    inRow('payments', 'queue-pause')?.click();
    await settle();
    byTestId('confirm-accept')?.click();
    const pause = backend.expectOne({ method: 'POST', url: `${URL}/pause` });
    expect(pause.request.body).toEqual({ queue: 'payments', paused: true });
    pause.flush(summary('payments', { isPaused: true }));
    backend.expectOne(URL).flush({ object: 'list', data: [summary('payments', { isPaused: true })], hasMore: false });
    flushJobs();
    await settle();

    inRow('payments', 'queue-retry')?.click();
    await settle();
    expect(byTestId('confirm-dialog')?.textContent).toContain('All 2 failed jobs');
    byTestId('confirm-accept')?.click();
    const retry = backend.expectOne({ method: 'POST', url: `${URL}/retry` });
    expect(retry.request.body).toEqual({ queue: 'payments' });
    retry.flush({ queue: 'payments', retried: 2 });
    backend.expectOne(URL).flush({ object: 'list', data: [summary('payments', { failed: 0 })], hasMore: false });
    flushJobs();
    await settle();
  });

  it('opens a job in the drawer by queue and id', async () => {
    await render();
    const id = byTestId<HTMLInputElement>('job-id')!;
    id.value = 'events:evt_1';
    id.dispatchEvent(new Event('input'));
    byTestId('job-open')?.click();
    await settle();
    backend.expectOne(`${URL}/jobs/events%3Aevt_1?queue=payments`).flush({
      id: 'events:evt_1',
      queue: 'payments',
      name: 'payment.captured',
      state: 'failed',
      data: { card: '[redacted]' },
      attemptsMade: 3,
      maxAttempts: 3,
      createdAt: '2026-11-26T10:00:00Z',
      processedAt: null,
      finishedAt: null,
      failedReason: 'gateway timeout',
      stacktrace: 'Error: gateway timeout\n    at x',
      logs: ['attempt 1'],
    });
    await settle();
    expect(byTestId('job-detail-failed-reason')?.textContent).toBe('gateway timeout');
    expect(byTestId('job-detail-data')?.textContent).toContain('[redacted]');
    expect(byTestId('job-detail-attempts')?.textContent).toContain('3 of 3');
  });

  it('hides the actions from a role that may not use them', async () => {
    await render(['finance']);
    expect(inRow('payments', 'queue-pause')).toBeNull();
  });
});

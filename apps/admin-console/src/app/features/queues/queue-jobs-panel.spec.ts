import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, type TestRequest, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { QueueJobRow } from '@lsp/contracts';
import { storeSession } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { errorInterceptor } from '../../core/errors/error.interceptor';
import { QueueJobsPanel } from './queue-jobs-panel';

const JOBS = '/api/v1/admin/queues/jobs';

function row(id: string, overrides: Partial<QueueJobRow> = {}): QueueJobRow {
  return {
    id,
    queue: 'payments',
    name: 'reconcile-payment',
    state: 'failed',
    attemptsMade: 3,
    maxAttempts: 3,
    createdAt: '2026-11-26T10:00:00Z',
    processedAt: '2026-11-26T10:00:01Z',
    finishedAt: '2026-11-26T10:00:02Z',
    failedReason: 'gateway timeout',
    ...overrides,
  };
}

describe('QueueJobsPanel', () => {
  let fixture: ComponentFixture<QueueJobsPanel>;
  let backend: HttpTestingController;
  let el: HTMLElement;
  let opened: { queue: string; id: string }[];
  let retried: number;

  const byTestId = <T extends HTMLElement = HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
  const all = (id: string) => Array.from(el.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));
  const rowIds = () => all('job-row').map((r) => r.dataset['jobId']);

  async function settle() {
    fixture.detectChanges();
    await fixture.whenStable();
  }

  const expectJobs = (params: Record<string, string>): TestRequest =>
    backend.expectOne(
      (req) =>
        req.url === JOBS &&
        Object.entries(params).every(([key, value]) => req.params.get(key) === value) &&
        req.params.keys().length === Object.keys(params).length,
    );

  async function render(canManage = true) {
    sessionStorage.clear();
    storeSession(['sre']);
    TestBed.configureTestingModule({
      imports: [QueueJobsPanel],
      providers: [provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])), provideHttpClientTesting()],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(QueueJobsPanel);
    el = fixture.nativeElement as HTMLElement;
    opened = [];
    retried = 0;
    fixture.componentInstance.opened.subscribe((job) => opened.push(job));
    fixture.componentInstance.retried.subscribe(() => retried++);
    fixture.componentRef.setInput('queues', ['payments', 'events']);
    fixture.componentRef.setInput('canManage', canManage);
    await settle();
  }

  async function select(testId: 'jobs-queue' | 'jobs-state', value: string) {
    const control = byTestId<HTMLSelectElement>(testId)!;
    control.value = value;
    control.dispatchEvent(new Event('change'));
    await settle();
  }

  afterEach(() => backend.verify());

  it('lists the failed jobs of the first queue at once, newest first as the API answers, with attempts and reason', async () => {
    await render();
    expectJobs({ queue: 'payments', state: 'failed', limit: '20' }).flush({
      object: 'list',
      data: [row('j2'), row('j1', { failedReason: null, attemptsMade: 1 })],
      hasMore: false,
    });
    await settle();
    expect(rowIds()).toEqual(['j2', 'j1']);
    expect(all('job-row-attempts').map((c) => c.textContent?.trim())).toEqual(['3 of 3', '1 of 3']);
    expect(all('job-row-reason').map((c) => c.textContent?.trim())).toEqual(['gateway timeout', '—']);
    expect(byTestId<HTMLButtonElement>('jobs-next')?.disabled).toBe(true);
  });

  it('shows another queue and state on demand, and says so when it has no job', async () => {
    await render();
    expectJobs({ queue: 'payments', state: 'failed', limit: '20' }).flush({ object: 'list', data: [], hasMore: false });
    await settle();
    await select('jobs-queue', 'events');
    await select('jobs-state', 'delayed');
    byTestId('jobs-show')?.click();
    await settle();
    expectJobs({ queue: 'events', state: 'delayed', limit: '20' }).flush({ object: 'list', data: [], hasMore: false });
    await settle();
    expect(byTestId('state-empty')?.textContent).toContain('No delayed job in events.');
    // Only failed jobs can be retried: no checkboxes on other states.
    expect(byTestId('jobs-retry-selected')).toBeNull();
  });

  it('pages forward after the last job shown and back through the visited pages', async () => {
    await render();
    expectJobs({ queue: 'payments', state: 'failed', limit: '20' }).flush({
      object: 'list',
      data: [row('j9'), row('j8')],
      hasMore: true,
    });
    await settle();
    byTestId('jobs-next')?.click();
    await settle();
    expectJobs({ queue: 'payments', state: 'failed', limit: '20', startingAfter: 'j8' }).flush({
      object: 'list',
      data: [row('j7')],
      hasMore: false,
    });
    await settle();
    expect(rowIds()).toEqual(['j7']);
    expect(byTestId('jobs-page')?.textContent).toContain('Page 2');
    byTestId('jobs-previous')?.click();
    await settle();
    expectJobs({ queue: 'payments', state: 'failed', limit: '20' }).flush({
      object: 'list',
      data: [row('j9'), row('j8')],
      hasMore: true,
    });
    await settle();
    expect(rowIds()).toEqual(['j9', 'j8']);
  });

  it('goes back to the newest jobs, saying why, when the previous page’s last job left the list', async () => {
    await render();
    expectJobs({ queue: 'payments', state: 'failed', limit: '20' }).flush({
      object: 'list',
      data: [row('j9'), row('j8')],
      hasMore: true,
    });
    await settle();
    byTestId('jobs-next')?.click();
    await settle();
    expectJobs({ queue: 'payments', state: 'failed', limit: '20', startingAfter: 'j8' }).flush(
      {
        error: {
          type: 'invalid_request_error',
          code: 'cursor_expired',
          message: "Job 'j8' is no longer failed",
          param: 'startingAfter',
          requestId: 'req_1',
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    expectJobs({ queue: 'payments', state: 'failed', limit: '20' }).flush({
      object: 'list',
      data: [row('j9')],
      hasMore: false,
    });
    await settle();
    expect(rowIds()).toEqual(['j9']);
    expect(byTestId('jobs-notice')?.textContent).toContain('list changed');
    expect(byTestId('jobs-page')?.textContent).toContain('Page 1');
  });

  it('retries the selected failed jobs after a confirmation, then reads the list again', async () => {
    await render();
    expectJobs({ queue: 'payments', state: 'failed', limit: '20' }).flush({
      object: 'list',
      data: [row('j3'), row('j2'), row('j1')],
      hasMore: false,
    });
    await settle();
    expect(byTestId<HTMLButtonElement>('jobs-retry-selected')?.disabled).toBe(true);
    const boxes = all('job-select') as HTMLInputElement[];
    boxes[0].click();
    boxes[2].click();
    await settle();
    // Ticking a box does not open the job.
    expect(opened).toEqual([]);
    byTestId('jobs-retry-selected')?.click();
    await settle();
    expect(byTestId('confirm-dialog')?.textContent).toContain('Retry 2 failed jobs of payments?');
    byTestId('confirm-cancel')?.click();
    await settle();
    backend.expectNone('/api/v1/admin/queues/retry');

    byTestId('jobs-retry-selected')?.click();
    await settle();
    byTestId('confirm-accept')?.click();
    const retry = backend.expectOne({ method: 'POST', url: '/api/v1/admin/queues/retry' });
    expect(retry.request.body).toEqual({ queue: 'payments', jobIds: ['j3', 'j1'] });
    retry.flush({ queue: 'payments', retried: 2 });
    expectJobs({ queue: 'payments', state: 'failed', limit: '20' }).flush({
      object: 'list',
      data: [row('j2')],
      hasMore: false,
    });
    await settle();
    expect(byTestId('confirm-dialog')).toBeNull();
    expect(rowIds()).toEqual(['j2']);
    expect(retried).toBe(1);
    expect(byTestId('jobs-retry-selected')?.textContent).toContain('(0)');
  });

  it('selects every job of the page at once', async () => {
    await render();
    expectJobs({ queue: 'payments', state: 'failed', limit: '20' }).flush({
      object: 'list',
      data: [row('j2'), row('j1')],
      hasMore: false,
    });
    await settle();
    byTestId('jobs-select-all')?.click();
    await settle();
    expect((all('job-select') as HTMLInputElement[]).every((box) => box.checked)).toBe(true);
    expect(byTestId('jobs-retry-selected')?.textContent).toContain('(2)');
  });

  it('opens a job from its row', async () => {
    await render();
    expectJobs({ queue: 'payments', state: 'failed', limit: '20' }).flush({
      object: 'list',
      data: [row('j2'), row('j1')],
      hasMore: false,
    });
    await settle();
    all('job-row')[1].click();
    byTestId('job-row-open')?.click();
    expect(opened).toEqual([
      { queue: 'payments', id: 'j1' },
      { queue: 'payments', id: 'j2' },
    ]);
  });

  it('offers no selection to a role that may not manage queues', async () => {
    await render(false);
    expectJobs({ queue: 'payments', state: 'failed', limit: '20' }).flush({
      object: 'list',
      data: [row('j1')],
      hasMore: false,
    });
    await settle();
    expect(rowIds()).toEqual(['j1']);
    expect(byTestId('job-select')).toBeNull();
    expect(byTestId('jobs-retry-selected')).toBeNull();
  });
});

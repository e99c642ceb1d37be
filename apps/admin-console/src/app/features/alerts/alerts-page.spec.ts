import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AlertView, ListResponse } from '@lsp/contracts';
import { Subject } from 'rxjs';
import { storeSession } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { errorInterceptor } from '../../core/errors/error.interceptor';
import type { OperationsStreamMessage } from '../../core/live/operations-stream';
import { SseService, type StreamMessage } from '../../core/live/sse.service';
import { alert } from '../../../testing/alerts';
import { AlertsPage } from './alerts-page';

const URL = '/api/v1/admin/alerts';

class FakeSse {
  readonly stream = new Subject<StreamMessage<OperationsStreamMessage<unknown>>>();
  readonly connect = jest.fn(() => this.stream.asObservable());
}

const list = (data: AlertView[], hasMore = false): ListResponse<AlertView> => ({ object: 'list', data, hasMore });

function live(type: string, data: AlertView): StreamMessage<OperationsStreamMessage<unknown>> {
  const id = `${Date.now()}-0`;
  return {
    kind: 'event',
    id,
    type,
    data: { id, stream: 'alerts', type, at: new Date().toISOString(), merchantId: null, data },
  };
}

describe('AlertsPage', () => {
  let fixture: ComponentFixture<AlertsPage>;
  let backend: HttpTestingController;
  let sse: FakeSse;
  let el: HTMLElement;

  const rowOf = (id: string) => el.querySelector<HTMLElement>(`[data-testid="alert-row"][data-alert-id="${id}"]`);
  const inRow = (id: string, testId: string) => rowOf(id)?.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  const byTestId = (id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);

  async function settle() {
    fixture.detectChanges();
    await fixture.whenStable();
  }

  beforeEach(async () => {
    sessionStorage.clear();
    storeSession(['sre']);
    sse = new FakeSse();
    TestBed.configureTestingModule({
      imports: [AlertsPage],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])),
        provideHttpClientTesting(),
        { provide: SseService, useValue: sse },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(AlertsPage);
    el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
    backend.expectOne(`${URL}?limit=20`).flush(list([alert('alr_02'), alert('alr_01')]));
    await settle();
  });

  afterEach(() => backend.verify());

  it('subscribes to the three alert events and shows a raised alert at the top without reloading', async () => {
    expect(sse.connect).toHaveBeenCalledWith('alerts', [
      'alert.raised',
      'alert.acknowledged',
      'alert.resolved',
      'stream.truncated',
    ]);
    sse.stream.next({ kind: 'state', state: 'open' });
    sse.stream.next(live('alert.raised', alert('alr_03', { title: 'Gateway down', severity: 'critical' })));
    await settle();
    const ids = Array.from(el.querySelectorAll('[data-testid="alert-row"]')).map((r) =>
      r.getAttribute('data-alert-id'),
    );
    expect(ids).toEqual(['alr_03', 'alr_02', 'alr_01']);
    expect(inRow('alr_03', 'alert-title')?.textContent).toBe('Gateway down');
    expect(byTestId('alerts-live')?.getAttribute('data-state')).toBe('open');
  });

  it('moves a row on when the stream says another operator acknowledged it', async () => {
    sse.stream.next(
      live('alert.acknowledged', alert('alr_01', { status: 'acknowledged', acknowledgedBy: 'x@y.test' })),
    );
    await settle();
    expect(inRow('alr_01', 'alert-status')?.textContent).toContain('acknowledged');
    expect(inRow('alr_01', 'alert-acknowledge')).toBeNull();
  });

  it('acknowledges at once, and resolves only after confirmation', async () => {
    inRow('alr_02', 'alert-acknowledge')?.click();
    backend
      .expectOne({ method: 'POST', url: `${URL}/alr_02/acknowledge` })
      .flush(alert('alr_02', { status: 'acknowledged', acknowledgedBy: 'sre@example.test' }));
    await settle();
    expect(inRow('alr_02', 'alert-status')?.textContent).toContain('sre@example.test');

    inRow('alr_02', 'alert-resolve')?.click();
    await settle();
    expect(byTestId('confirm-dialog')?.textContent).toContain('Alert alr_02');
    backend.expectNone(`${URL}/alr_02/resolve`);
    byTestId('confirm-accept')?.click();
    backend.expectOne({ method: 'POST', url: `${URL}/alr_02/resolve` }).flush(alert('alr_02', { status: 'resolved' }));
    await settle();
    expect(inRow('alr_02', 'alert-status')?.textContent).toContain('resolved');
    expect(byTestId('confirm-dialog')).toBeNull();
  });

  it('re-reads the list after a lossy resume', async () => {
    sse.stream.next({
      kind: 'event',
      id: null,
      type: 'stream.truncated',
      data: { replayed: 100, message: 'x' } as never,
    });
    backend.expectOne(`${URL}?limit=20`).flush(list([]));
    await settle();
    expect(byTestId('state-empty')).not.toBeNull();
  });
});

import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { SettlementRunView } from '@lsp/contracts';
import { apiErrorBody, storeSession } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { errorInterceptor } from '../../core/errors/error.interceptor';
import { RunSettlementForm } from './run-settlement-form';

const RUN = '/api/v1/admin/settlements/run';

const run = (over: Partial<SettlementRunView> = {}): SettlementRunView => ({
  id: 'srn_1',
  object: 'settlement_run',
  trigger: 'manual',
  schedule: null,
  merchantId: 'mer_A',
  cutoff: '2026-11-26T10:00:00Z',
  status: 'completed',
  settlementsCreated: 1,
  itemsSettled: 3,
  refusals: [],
  error: null,
  createdAt: '2026-11-26T10:00:00Z',
  startedAt: '2026-11-26T10:00:01Z',
  finishedAt: '2026-11-26T10:00:02Z',
  ...over,
});

describe('RunSettlementForm', () => {
  let fixture: ComponentFixture<RunSettlementForm>;
  let backend: HttpTestingController;
  let el: HTMLElement;
  let finished: SettlementRunView[];

  beforeEach(async () => {
    sessionStorage.clear();
    storeSession(['finance']);
    TestBed.configureTestingModule({
      imports: [RunSettlementForm],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(RunSettlementForm);
    finished = [];
    fixture.componentInstance.finished.subscribe((r) => finished.push(r));
    el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  async function settle() {
    fixture.detectChanges();
    await fixture.whenStable();
  }

  const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
    document.querySelector<T>(`[data-testid="${id}"]`) ?? el.querySelector<T>(`[data-testid="${id}"]`);

  function type(id: string, value: string) {
    const input = byTestId<HTMLInputElement>(id);
    if (!input) throw new Error(`no ${id}`);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  it('asks before settling; cancelling sends nothing', async () => {
    type('run-settlement-merchant', 'mer_A');
    byTestId('run-settlement-submit')?.click();
    await settle();
    expect(byTestId('confirm-dialog')?.textContent).toContain('merchant mer_A');
    byTestId('confirm-cancel')?.click();
    await settle();
    expect(byTestId('confirm-dialog')).toBeNull();
    backend.expectNone(RUN);
  });

  it('sends the merchant and the cut-off as an instant once confirmed, and reports the finished run', async () => {
    type('run-settlement-merchant', ' mer_A ');
    type('run-settlement-cutoff', '2026-11-25T18:30');
    byTestId('run-settlement-submit')?.click();
    await settle();
    byTestId('confirm-accept')?.click();
    await settle();
    const request = backend.expectOne(RUN);
    expect(request.request.body).toEqual({ merchantId: 'mer_A', cutoff: new Date(2026, 10, 25, 18, 30).toISOString() });
    request.flush(run());
    await settle();
    expect(byTestId('run-settlement-items')?.textContent).toBe('3');
    expect(finished.map((r) => r.id)).toEqual(['srn_1']);
  });

  it('shows the API’s objection on the field it names', async () => {
    type('run-settlement-cutoff', '2099-01-01T00:00');
    byTestId('run-settlement-submit')?.click();
    await settle();
    byTestId('confirm-accept')?.click();
    await settle();
    backend.expectOne(RUN).flush(
      {
        error: {
          ...apiErrorBody('invalid_request_error', 'parameter_invalid', 'cutoff may not be in the future').error,
          param: 'cutoff',
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();
    expect(byTestId('run-settlement-cutoff-error')?.textContent).toContain('may not be in the future');
    expect(byTestId('run-settlement-cutoff')?.getAttribute('aria-invalid')).toBe('true');
    expect(finished).toEqual([]);
  });
});

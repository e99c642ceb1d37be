import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { ListResponse, Role, StatementLine, WalletView } from '@lsp/contracts';
import { storeSession } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { errorInterceptor } from '../../core/errors/error.interceptor';
import { WalletsPage } from './wallets-page';

const wallet = (merchantId: string, balances: WalletView['balances']): WalletView => ({
  object: 'wallet',
  merchantId,
  merchantName: `Shop ${merchantId}`,
  balances,
});

const balance = (currency: string, pending: number, available: number, settled: number) => ({
  currency,
  pending,
  available,
  settled,
  lowBalanceThreshold: null,
});

const line = (id: string, over: Partial<StatementLine>): StatementLine => ({
  id,
  object: 'statement_line',
  journalId: 'jnl_1',
  type: 'capture',
  account: 'merchant_pending',
  currency: 'INR',
  amount: 9800,
  balanceAfter: 9800,
  paymentId: 'pay_1',
  refundId: null,
  createdAt: '2026-11-25T10:00:00Z',
  ...over,
});

const list = <T>(data: T[], hasMore = false): ListResponse<T> => ({ object: 'list', data, hasMore });

describe('WalletsPage', () => {
  let fixture: ComponentFixture<WalletsPage>;
  let backend: HttpTestingController;
  let el: HTMLElement;

  async function render(roles: Role[]) {
    sessionStorage.clear();
    storeSession(roles);
    TestBed.configureTestingModule({
      imports: [WalletsPage],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(WalletsPage);
    el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  async function settle() {
    fixture.detectChanges();
    await fixture.whenStable();
  }

  const texts = (id: string) =>
    Array.from(el.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)).map((e) => e.textContent?.trim());

  afterEach(() => backend.verify());

  it('shows each merchant’s balances per currency in that currency’s own exponent, never summed', async () => {
    await render(['finance']);
    backend
      .expectOne('/api/v1/admin/wallets?limit=20')
      .flush(
        list([
          wallet('mer_A', [balance('INR', 9800, 150050, 0), balance('JPY', 500, 0, 1200), balance('KWD', 1234, 0, 0)]),
        ]),
      );
    await settle();
    expect(texts('wallet-pending')).toEqual(['₹98.00', '¥500', 'KWD\u00a01.234']);
    expect(texts('wallet-available')).toEqual(['₹1,500.50', '¥0', 'KWD\u00a00.000']);
    expect(texts('wallet-settled')).toEqual(['₹0.00', '¥1,200', 'KWD\u00a00.000']);
    // One link per merchant, on its first currency row.
    expect(texts('wallet-open')).toEqual(['Shop mer_A']);
  });

  it('gives a merchant user its own wallet and statement from the merchant routes', async () => {
    await render(['merchant']);
    backend.expectOne('/api/v1/merchant/wallet').flush(wallet('mer_me', [balance('INR', 0, 0, 9800)]));
    backend
      .expectOne('/api/v1/merchant/wallet/statement?limit=20')
      .flush(
        list([
          line('ent_2', { type: 'settlement', account: 'merchant_available', amount: -9800, balanceAfter: 0 }),
          line('ent_1', {}),
        ]),
      );
    await settle();
    expect(texts('balance-settled')).toEqual(['₹98.00']);
    expect(texts('statement-amount')).toEqual(['−₹98.00', '+₹98.00']);
    expect(texts('statement-type')).toEqual(['Settlement', 'Capture']);
    expect(el.querySelector('[data-testid="wallets-table"]')).toBeNull();
  });

  it('sends the date filter as an ISO range and shows the empty state', async () => {
    await render(['merchant']);
    backend.expectOne('/api/v1/merchant/wallet').flush(wallet('mer_me', []));
    backend.expectOne('/api/v1/merchant/wallet/statement?limit=20').flush(list([line('ent_1', {})]));
    await settle();

    const from = el.querySelector<HTMLInputElement>('[data-testid="statement-filter-from"]');
    if (!from) throw new Error('no from');
    from.value = '2026-11-01';
    from.dispatchEvent(new Event('input'));
    el.querySelector<HTMLButtonElement>('[data-testid="statement-filter-apply"]')?.click();
    await settle();
    const request = backend.expectOne((r) => r.url === '/api/v1/merchant/wallet/statement');
    expect(request.request.params.get('from')).toBe(new Date(2026, 10, 1).toISOString());
    expect(request.request.params.has('to')).toBe(false);
    request.flush(list([]));
    await settle();
    expect(el.querySelector('[data-testid="state-empty"]')?.textContent).toContain('match these filters');
  });
});

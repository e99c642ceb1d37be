import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { Role } from '@lsp/contracts';
import { storeSession } from '../../../testing/session';
import { authInterceptor } from '../auth/auth.interceptor';
import { Shell } from './shell';

async function renderShellAs(roles: Role[]) {
  sessionStorage.clear();
  storeSession(roles);
  TestBed.configureTestingModule({
    imports: [Shell],
    providers: [provideRouter([]), provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
  });
  const fixture = TestBed.createComponent(Shell);
  await fixture.whenStable();
  const element = fixture.nativeElement as HTMLElement;
  const navIds = Array.from(element.querySelectorAll<HTMLElement>('[data-testid="side-nav"] a')).map(
    (a) => a.dataset['testid'],
  );
  return { fixture, element, navIds };
}

const FINANCE_NAV = ['nav-wallets', 'nav-settlements', 'nav-commission-rules', 'nav-ledger'];

describe('Shell navigation', () => {
  it.each<[Role, string[]]>([
    [
      'admin',
      [
        'nav-home',
        'nav-transactions',
        'nav-merchants',
        'nav-gateways',
        'nav-audit-log',
        'nav-dashboard',
        'nav-monitoring',
        'nav-queues',
        'nav-alerts',
        'nav-system-status',
        'nav-developer',
      ],
    ],
    ['finance', ['nav-home', 'nav-transactions', 'nav-merchants', 'nav-audit-log', 'nav-dashboard']],
    [
      'sre',
      [
        'nav-home',
        'nav-transactions',
        'nav-merchants',
        'nav-gateways',
        'nav-audit-log',
        'nav-dashboard',
        'nav-monitoring',
        'nav-queues',
        'nav-alerts',
        'nav-system-status',
        'nav-developer',
      ],
    ],
    ['merchant', ['nav-home', 'nav-transactions', 'nav-developer']],
  ])('shows %s only the entries its role may open', async (role, expected) => {
    const { navIds } = await renderShellAs([role]);
    expect(navIds.filter((id) => !FINANCE_NAV.includes(id ?? ''))).toEqual(expected);
  });

  // Finance pages (issue 5), checked apart so the table above stays one line per role.
  it.each<[Role, string[]]>([
    ['admin', FINANCE_NAV],
    ['finance', FINANCE_NAV],
    ['sre', []],
    ['merchant', ['nav-wallets', 'nav-settlements']],
  ])('shows %s the finance entries its role may open', async (role, expected) => {
    const { navIds } = await renderShellAs([role]);
    expect(navIds.filter((id) => FINANCE_NAV.includes(id ?? ''))).toEqual(expected);
  });

  it('shows the signed-in user and their roles in the top bar', async () => {
    const { element } = await renderShellAs(['finance', 'sre']);
    expect(element.querySelector('[data-testid="current-user-email"]')?.textContent).toContain(
      'finance-sre@example.test',
    );
    const roles = Array.from(element.querySelectorAll('[data-testid="current-user-roles"] .badge')).map((badge) =>
      badge.textContent?.trim(),
    );
    expect(roles).toEqual(['finance', 'sre']);
  });

  it('signs out: revokes the refresh token and goes to the login page', async () => {
    const { element } = await renderShellAs(['admin']);
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);

    element.querySelector<HTMLButtonElement>('[data-testid="sign-out"]')?.click();

    const logout = TestBed.inject(HttpTestingController).expectOne('/api/v1/auth/logout');
    expect(logout.request.body).toEqual({ refreshToken: 'refresh-1' });
    expect(logout.request.headers.get('Authorization')).toBe('Bearer access-1');
    logout.flush(null, { status: 204, statusText: 'No Content' });
    expect(navigate).toHaveBeenCalledWith('/login');
    expect(sessionStorage.getItem('lsp.console.session')).toBeNull();
  });
});

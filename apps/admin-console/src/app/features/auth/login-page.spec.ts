import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { apiErrorBody, tokenPair } from '../../../testing/session';
import { authInterceptor } from '../../core/auth/auth.interceptor';
import { AuthService } from '../../core/auth/auth.service';
import { errorInterceptor } from '../../core/errors/error.interceptor';
import { NotificationService } from '../../core/notifications/notification.service';
import { LoginPage } from './login-page';

describe('LoginPage', () => {
  let fixture: ComponentFixture<LoginPage>;
  let backend: HttpTestingController;
  let el: HTMLElement;
  let navigate: jest.SpyInstance;

  const byTestId = <T extends HTMLElement = HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);

  async function settle() {
    fixture.detectChanges();
    await fixture.whenStable();
  }

  function type(id: string, value: string) {
    const input = byTestId<HTMLInputElement>(id);
    if (!input) throw new Error(`no ${id}`);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  beforeEach(async () => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      imports: [LoginPage],
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    navigate = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    fixture = TestBed.createComponent(LoginPage);
    el = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  it('validates before calling the API', async () => {
    byTestId<HTMLButtonElement>('login-submit')?.click();
    await settle();
    expect(byTestId('login-email-error')?.textContent).toContain('Email is required');
    expect(byTestId('login-password-error')?.textContent).toContain('Password is required');

    type('login-email', 'not-an-email');
    await settle();
    expect(byTestId('login-email-error')?.textContent).toContain('valid email');
    backend.expectNone('/api/v1/auth/login');
  });

  it('disables the button while signing in and shows the API error inline, not as a toast', async () => {
    type('login-email', 'admin@example.test');
    type('login-password', 'wrong');
    byTestId<HTMLButtonElement>('login-submit')?.click();
    await settle();

    const req = backend.expectOne('/api/v1/auth/login');
    expect(req.request.body).toEqual({
      email: 'admin@example.test',
      password: 'wrong',
    });
    expect(byTestId<HTMLButtonElement>('login-submit')?.disabled).toBe(true);

    req.flush(apiErrorBody('authentication_error', 'invalid_credentials', 'Invalid email or password.', 'req_login'), {
      status: 401,
      statusText: 'Unauthorized',
    });
    await settle();

    expect(byTestId('login-error')?.textContent).toContain('Invalid email or password.');
    expect(byTestId('login-error')?.textContent).toContain('req_login');
    expect(byTestId<HTMLButtonElement>('login-submit')?.disabled).toBe(false);
    expect(TestBed.inject(NotificationService).toasts()).toEqual([]);
    backend.expectNone('/api/v1/auth/refresh');
  });

  it('stores the session and goes to the requested page', async () => {
    fixture.componentRef.setInput('returnUrl', '/audit-log');
    type('login-email', 'admin@example.test');
    type('login-password', 'correct horse');
    byTestId<HTMLButtonElement>('login-submit')?.click();
    backend.expectOne('/api/v1/auth/login').flush(tokenPair('access-9', 'refresh-9', ['admin']));
    await settle();

    const auth = TestBed.inject(AuthService);
    expect(auth.isAuthenticated()).toBe(true);
    expect(auth.roles()).toEqual(['admin']);
    expect(sessionStorage.getItem('lsp.console.session')).toContain('refresh-9');
    expect(navigate).toHaveBeenCalledWith('/audit-log');
  });

  it('ignores a return URL pointing off-site', async () => {
    fixture.componentRef.setInput('returnUrl', '//evil.example/phish');
    type('login-email', 'admin@example.test');
    type('login-password', 'pw');
    byTestId<HTMLButtonElement>('login-submit')?.click();
    backend.expectOne('/api/v1/auth/login').flush(tokenPair('a', 'r'));
    await settle();
    expect(navigate).toHaveBeenCalledWith('/');
  });
});

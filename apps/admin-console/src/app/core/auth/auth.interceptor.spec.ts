import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { apiErrorBody, storeSession, tokenPair } from '../../../testing/session';
import { ApiError } from '../errors/api-error';
import { errorInterceptor } from '../errors/error.interceptor';
import { authInterceptor } from './auth.interceptor';
import { AuthService } from './auth.service';

const MERCHANTS = '/api/v1/admin/merchants';
const AUDIT = '/api/v1/admin/audit-logs';
const REFRESH = '/api/v1/auth/refresh';
const unauthorized = { status: 401, statusText: 'Unauthorized' };
const expired = apiErrorBody('authentication_error', 'token_expired', 'Access token expired');

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let auth: AuthService;
  let navigate: jest.SpyInstance;

  beforeEach(() => {
    sessionStorage.clear();
    storeSession(['admin'], 'access-1', 'refresh-1');
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([errorInterceptor, authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    auth = TestBed.inject(AuthService);
    navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
  });

  afterEach(() => backend.verify());

  it('adds the bearer access token to API calls', () => {
    http.get(MERCHANTS).subscribe();
    const req = backend.expectOne(MERCHANTS);
    expect(req.request.headers.get('Authorization')).toBe('Bearer access-1');
    req.flush({ object: 'list', data: [], hasMore: false });
  });

  it('never sends the token outside the API', () => {
    http.get('https://example.com/api/v1/admin/merchants').subscribe();
    const req = backend.expectOne('https://example.com/api/v1/admin/merchants');
    expect(req.request.headers.has('Authorization')).toBe(false);
    req.flush({});
  });

  it('refreshes once for concurrent 401s and retries each request with the new token', () => {
    const received: unknown[] = [];
    http.get(MERCHANTS).subscribe((body) => received.push(body));
    http.get(AUDIT).subscribe((body) => received.push(body));

    backend.expectOne(MERCHANTS).flush(expired, unauthorized);
    backend.expectOne(AUDIT).flush(expired, unauthorized);

    // expectOne fails if a second refresh was sent: the rotated refresh token must be spent only once.
    const refresh = backend.expectOne(REFRESH);
    expect(refresh.request.body).toEqual({ refreshToken: 'refresh-1' });
    expect(refresh.request.headers.has('Authorization')).toBe(false);
    refresh.flush(tokenPair('access-2', 'refresh-2'));

    const retried = backend.match(() => true);
    expect(retried.map((r) => r.request.url).sort()).toEqual([AUDIT, MERCHANTS]);
    for (const req of retried) {
      expect(req.request.headers.get('Authorization')).toBe('Bearer access-2');
      req.flush({ url: req.request.url });
    }
    expect(received).toHaveLength(2);
    expect(auth.accessToken()).toBe('access-2');
    expect(sessionStorage.getItem('lsp.console.session')).toContain('refresh-2');
  });

  it('reuses a token renewed while the request was in flight instead of refreshing again', () => {
    http.get(MERCHANTS).subscribe();
    http.get(AUDIT).subscribe();
    const merchants = backend.expectOne(MERCHANTS);
    const audit = backend.expectOne(AUDIT);

    merchants.flush(expired, unauthorized);
    backend.expectOne(REFRESH).flush(tokenPair('access-2', 'refresh-2'));
    backend.expectOne(MERCHANTS).flush({});

    // This request left with the old token before the refresh; its late 401 must not spend refresh-2.
    audit.flush(expired, unauthorized);
    backend.expectNone(REFRESH);
    const retried = backend.expectOne(AUDIT);
    expect(retried.request.headers.get('Authorization')).toBe('Bearer access-2');
    retried.flush({});
  });

  it('retries only once: a second 401 is reported, not refreshed again', () => {
    let failure: unknown;
    http.get(MERCHANTS).subscribe({ error: (e: unknown) => (failure = e) });
    backend.expectOne(MERCHANTS).flush(expired, unauthorized);
    backend.expectOne(REFRESH).flush(tokenPair('access-2', 'refresh-2'));
    backend.expectOne(MERCHANTS).flush(expired, unauthorized);

    backend.expectNone(REFRESH);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(401);
  });

  it('ends the session and routes to /login when the refresh is refused', () => {
    let failure: unknown;
    http.get(MERCHANTS).subscribe({ error: (e: unknown) => (failure = e) });
    backend.expectOne(MERCHANTS).flush(expired, unauthorized);
    backend
      .expectOne(REFRESH)
      .flush(apiErrorBody('authentication_error', 'refresh_token_reused', 'Session revoked'), unauthorized);

    expect(failure).toBeDefined();
    expect(auth.isAuthenticated()).toBe(false);
    expect(sessionStorage.getItem('lsp.console.session')).toBeNull();
    expect(navigate).toHaveBeenCalledWith(['/login'], expect.anything());
    backend.expectNone(MERCHANTS);
  });

  it('does not refresh for a 401 from the auth routes', () => {
    let failure: unknown;
    http.get('/api/v1/auth/me').subscribe({ error: (e: unknown) => (failure = e) });
    const me = backend.expectOne('/api/v1/auth/me');
    expect(me.request.headers.get('Authorization')).toBe('Bearer access-1');
    me.flush(expired, unauthorized);

    backend.expectNone(REFRESH);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(401);
  });
});

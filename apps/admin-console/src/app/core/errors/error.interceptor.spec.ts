import { HttpClient, HttpHeaders, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { apiErrorBody } from '../../../testing/session';
import { NotificationService } from '../notifications/notification.service';
import { ApiError } from './api-error';
import { silentErrors } from './error-context';
import { errorInterceptor } from './error.interceptor';

describe('errorInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let notifications: NotificationService;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([errorInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    notifications = TestBed.inject(NotificationService);
  });

  afterEach(() => backend.verify());

  function fail(body: unknown, status: number, headers: Record<string, string> = {}, silent = false): ApiError {
    let caught: unknown;
    http
      .get('/api/v1/admin/merchants', silent ? { context: silentErrors() } : {})
      .subscribe({ error: (e: unknown) => (caught = e) });
    backend.expectOne('/api/v1/admin/merchants').flush(body, {
      status,
      statusText: 'Error',
      headers: new HttpHeaders(headers),
    });
    expect(caught).toBeInstanceOf(ApiError);
    return caught as ApiError;
  }

  it('turns the API error body into a toast with the message and request id', () => {
    const error = fail(apiErrorBody('permission_error', 'forbidden', 'Only admins may do this', 'req_123'), 403);
    expect(error.message).toBe('Only admins may do this');
    expect(error.code).toBe('forbidden');
    expect(notifications.toasts()).toEqual([
      expect.objectContaining({
        kind: 'error',
        message: 'Only admins may do this',
        requestId: 'req_123',
      }),
    ]);
    expect(error.reported).toBe(true);
  });

  it('falls back to the X-Request-Id header when the body is not an API error', () => {
    const error = fail('<html>Bad gateway</html>', 502, {
      'X-Request-Id': 'req_hdr',
    });
    expect(error.requestId).toBe('req_hdr');
    expect(error.message).toContain('HTTP 502');
    expect(notifications.toasts()[0]?.requestId).toBe('req_hdr');
  });

  it('adds the Retry-After wait to rate-limit messages', () => {
    const error = fail(apiErrorBody('rate_limit_error', 'too_many_requests', 'Too many login attempts.'), 429, {
      'Retry-After': '30',
    });
    expect(error.message).toBe('Too many login attempts. Try again in 30 seconds.');
    expect(error.retryAfterSeconds).toBe(30);
  });

  it('stays quiet for requests whose caller shows the error inline', () => {
    const error = fail(apiErrorBody('not_found', 'not_found', 'No such merchant'), 404, {}, true);
    expect(error.message).toBe('No such merchant');
    expect(error.reported).toBe(false);
    expect(notifications.toasts()).toEqual([]);
  });
});

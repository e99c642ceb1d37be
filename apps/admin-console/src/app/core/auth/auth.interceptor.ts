import { HttpErrorResponse, type HttpHandlerFn, type HttpInterceptorFn, type HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, of, switchMap, throwError } from 'rxjs';
import { API_BASE_URL } from '../api/api-config';
import { AuthService } from './auth.service';

/**
 * Adds the Bearer access token to API calls. On a 401 from any route outside `/auth/*` it renews the token
 * once (sharing one refresh among concurrent requests) and retries the request once; if the renewal fails
 * the session ends and the user is sent to the login page.
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const auth = inject(AuthService);
  const baseUrl = inject(API_BASE_URL);

  if (!req.url.startsWith(`${baseUrl}/`)) {
    // Never hand our token to anyone else.
    return next(req);
  }
  const isAuthRoute = req.url.startsWith(`${baseUrl}/auth/`);
  if (req.url === `${baseUrl}/auth/login` || req.url === `${baseUrl}/auth/refresh`) {
    return next(req);
  }

  const sentToken = auth.accessToken();
  return send(req, next, sentToken).pipe(
    catchError((error: unknown) => {
      if (isAuthRoute || sentToken === null || !(error instanceof HttpErrorResponse) || error.status !== 401) {
        return throwError(() => error);
      }
      // Another request may have renewed the token while this one was in flight: reuse it.
      const current = auth.accessToken();
      const freshToken$ =
        current !== null && current !== sentToken
          ? of(current)
          : auth.refreshAccessToken().pipe(
              catchError((refreshError: unknown) => {
                auth.expireSession();
                return throwError(() => refreshError);
              }),
            );
      // The retry is not caught again: a second 401 is reported as it is, never looped.
      return freshToken$.pipe(switchMap((token) => send(req, next, token)));
    }),
  );
};

function send(req: HttpRequest<unknown>, next: HttpHandlerFn, token: string | null) {
  return next(token ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req);
}

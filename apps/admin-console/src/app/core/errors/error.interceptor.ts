import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { NotificationService } from '../notifications/notification.service';
import { ApiError } from './api-error';
import { SILENT_ERRORS } from './error-context';

/**
 * Turns every HTTP failure into an `ApiError` and, unless the caller shows it inline, raises a toast with
 * the message and request id. Registered outside the auth interceptor, so it only sees what is left after
 * a token refresh and retry.
 */
export const errorInterceptor: HttpInterceptorFn = (req, next) => {
  const notifications = inject(NotificationService);
  return next(req).pipe(
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse)) {
        return throwError(() => error);
      }
      const apiError = ApiError.fromHttpError(error);
      if (!req.context.get(SILENT_ERRORS)) {
        notifications.error(apiError.message, apiError.requestId);
        apiError.reported = true;
      }
      return throwError(() => apiError);
    }),
  );
};

import { HttpErrorResponse } from '@angular/common/http';
import { type ErrorHandler, Injectable, inject } from '@angular/core';
import { NotificationService } from '../notifications/notification.service';
import { ApiError, SessionExpiredError, toApiError } from './api-error';

/**
 * Last line of defence: anything nobody handled (a failed call without an error callback, a bug in a
 * component) becomes a toast instead of a silent console entry.
 */
@Injectable()
export class GlobalErrorHandler implements ErrorHandler {
  private readonly notifications = inject(NotificationService);

  handleError(error: unknown): void {
    const cause = unwrap(error);
    if (cause instanceof SessionExpiredError) {
      // The auth service already told the user and is routing to the login page.
      return;
    }
    if (cause instanceof ApiError || cause instanceof HttpErrorResponse) {
      const apiError = toApiError(cause);
      if (!apiError.reported) {
        apiError.reported = true;
        this.notifications.error(apiError.message, apiError.requestId);
      }
      return;
    }
    console.error(error);
    this.notifications.error(toApiError(cause).message);
  }
}

/** Promise rejections arrive wrapped by some paths; look at the real cause. */
function unwrap(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && 'rejection' in error && error.rejection !== undefined) {
    return error.rejection;
  }
  return error;
}

import { HttpErrorResponse } from '@angular/common/http';
import type { ApiErrorBody, ErrorType } from '@lsp/contracts';

export type ApiErrorType = ErrorType | 'network_error' | 'unknown_error';

/**
 * Every failed API call reaches the console's code as an `ApiError`: a readable message plus the request id
 * the operator can quote. Built from the contract's error body when there is one, else from the status.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** Set once a toast has shown this error, so the global handler does not show it twice. */
  reported = false;

  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly param: string | null = null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }

  static fromHttpError(response: HttpErrorResponse): ApiError {
    const headerRequestId = response.headers?.get('X-Request-Id') ?? null;
    const retryAfter = parseRetryAfter(response.headers?.get('Retry-After'));

    if (response.status === 0) {
      return new ApiError(
        0,
        'network_error',
        'network_error',
        'Cannot reach the LightSpeedPay API. Check your connection and try again.',
        headerRequestId,
      );
    }

    const body: unknown = response.error;
    if (isApiErrorBody(body)) {
      const { type, code, message, param, requestId } = body.error;
      const wait =
        response.status === 429 && retryAfter !== null
          ? ` Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`
          : '';
      return new ApiError(
        response.status,
        type,
        code,
        `${message}${wait}`,
        requestId || headerRequestId,
        param ?? null,
        retryAfter,
      );
    }

    return new ApiError(
      response.status,
      'unknown_error',
      `http_${response.status}`,
      `The request failed (HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}).`,
      headerRequestId,
      null,
      retryAfter,
    );
  }
}

/** Raised when the session cannot be renewed; the user is already on the way to the login page. */
export class SessionExpiredError extends Error {
  override readonly name = 'SessionExpiredError';

  constructor() {
    super('Your session has expired. Please sign in again.');
  }
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) {
    return false;
  }
  const error: unknown = value.error;
  return typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string';
}

/** Normalises anything a subscription can throw into an `ApiError` for display. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  if (error instanceof HttpErrorResponse) {
    return ApiError.fromHttpError(error);
  }
  if (error instanceof SessionExpiredError) {
    return new ApiError(401, 'authentication_error', 'session_expired', error.message, null);
  }
  return new ApiError(
    0,
    'unknown_error',
    'unknown_error',
    'Something went wrong in the console. Reload the page and try again.',
    null,
  );
}

function parseRetryAfter(value: string | null | undefined): number | null {
  if (!value) {
    return null;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return Math.ceil(seconds);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

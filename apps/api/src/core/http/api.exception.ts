import type { ErrorType } from '@lsp/contracts';

const STATUS_BY_TYPE: Record<ErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found: 404,
  conflict: 409,
  idempotency_error: 422,
  rate_limit_error: 429,
  gateway_error: 502,
  api_error: 500,
};

/**
 * The one exception every context throws for an expected failure. The global filter turns it into the API.md §2
 * error object; `code` is a stable machine-readable string merchants can switch on.
 */
export class ApiException extends Error {
  readonly status: number;

  constructor(
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    options: { param?: string; status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiException';
    this.status = options.status ?? STATUS_BY_TYPE[type];
    this.param = options.param;
    this.headers = options.headers ?? {};
  }

  readonly param?: string;
  readonly headers: Record<string, string>;

  static invalid(param: string, message: string, code = 'parameter_invalid'): ApiException {
    return new ApiException('invalid_request_error', code, message, { param });
  }

  static notFound(what: string, id: string): ApiException {
    return new ApiException('not_found', 'resource_missing', `No such ${what}: '${id}'`);
  }

  static unauthenticated(message = 'Invalid or missing credentials', code = 'invalid_credentials'): ApiException {
    return new ApiException('authentication_error', code, message);
  }

  static forbidden(message = 'Your role may not perform this request', code = 'forbidden'): ApiException {
    return new ApiException('permission_error', code, message);
  }

  static conflict(code: string, message: string): ApiException {
    return new ApiException('conflict', code, message);
  }

  static unavailable(message = 'A dependency of the platform is unavailable; retry shortly'): ApiException {
    return new ApiException('api_error', 'service_unavailable', message, { status: 503 });
  }

  static rateLimited(retryAfterSeconds: number, headers: Record<string, string> = {}): ApiException {
    return new ApiException(
      'rate_limit_error',
      'rate_limited',
      `Too many requests; retry after ${retryAfterSeconds} s`,
      {
        headers: { ...headers, 'Retry-After': String(retryAfterSeconds) },
      },
    );
  }
}

/** Shapes of the public contract (shared/API.md) shared by the API and the console. Types only. */

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found'
  | 'conflict'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'gateway_error'
  | 'api_error';

export interface ApiErrorBody {
  error: {
    type: ErrorType;
    code: string;
    message: string;
    param?: string;
    requestId: string;
  };
}

export interface ListResponse<T> {
  object: 'list';
  data: T[];
  hasMore: boolean;
}

export interface ListQuery {
  limit?: number;
  startingAfter?: string;
}

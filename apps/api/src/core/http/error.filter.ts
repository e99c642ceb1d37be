import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorBody, ErrorType } from '@lsp/contracts';
import type { Logger } from '@lsp/platform';
import { ApiException } from './api.exception';
import { isDependencyDown } from './dependency-errors';

const TYPE_BY_STATUS: Record<number, ErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found',
  405: 'invalid_request_error',
  409: 'conflict',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'idempotency_error',
  429: 'rate_limit_error',
  502: 'gateway_error',
  503: 'api_error',
};

/** Maps anything thrown to the API.md §2 error object. Used by Nest's filter and Fastify's error handler alike. */
export function toErrorResponse(
  error: unknown,
  requestId: string,
  logger: Logger,
): { status: number; body: ApiErrorBody; headers: Record<string, string> } {
  if (error instanceof ApiException) {
    return {
      status: error.status,
      headers: error.headers,
      body: { error: { type: error.type, code: error.code, message: error.message, param: error.param, requestId } },
    };
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    const status = error.getStatus();
    const type = TYPE_BY_STATUS[status] ?? 'invalid_request_error';
    const message = status === 404 ? 'Unrecognised request URL or resource not found' : error.message;
    return { status, headers: {}, body: { error: { type, code: codeFor(status), message, requestId } } };
  }
  // Fastify's own client errors: malformed JSON, wrong content type, body too large.
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const message =
      fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'The request body is not valid JSON'
        : (fastifyError.message ?? 'Bad request');
    return {
      status,
      headers: {},
      body: {
        error: { type: TYPE_BY_STATUS[status] ?? 'invalid_request_error', code: codeFor(status), message, requestId },
      },
    };
  }
  if (isDependencyDown(error)) {
    logger.warn({ err: error, requestId }, 'dependency unavailable');
    const e = ApiException.unavailable();
    return {
      status: 503,
      headers: { 'Retry-After': '5' },
      body: { error: { type: e.type, code: e.code, message: e.message, requestId } },
    };
  }
  // A 500 logs its cause with the request id and tells the client nothing more.
  logger.error({ err: error, requestId }, 'unhandled error');
  return {
    status: 500,
    headers: {},
    body: { error: { type: 'api_error', code: 'internal_error', message: 'An internal error occurred', requestId } },
  };
}

function codeFor(status: number): string {
  switch (status) {
    case 400:
      return 'parameter_invalid';
    case 401:
      return 'invalid_credentials';
    case 403:
      return 'forbidden';
    case 404:
      return 'resource_missing';
    case 405:
      return 'method_not_allowed';
    case 413:
      return 'body_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    default:
      return 'invalid_request';
  }
}

@Catch()
export class GlobalErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body, headers } = toErrorResponse(error, request.id, this.logger);
    // Explicit: a route may have declared another content type (HTML pages) before it failed.
    void reply.status(status).headers(headers).type('application/json; charset=utf-8').send(body);
  }
}

import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import type { Logger } from '@lsp/platform';
import { ApiException } from '../http/api.exception';
import { toErrorResponse } from '../http/error.filter';

const logger = () =>
  ({ error: jest.fn(), warn: jest.fn() }) as unknown as Logger & { error: jest.Mock; warn: jest.Mock };

describe('toErrorResponse (the one mapping to API.md §2 error objects)', () => {
  it('keeps an ApiException as thrown, with its headers', () => {
    const log = logger();
    const r = toErrorResponse(ApiException.rateLimited(7), 'req_1', log);
    expect(r.status).toBe(429);
    expect(r.headers['Retry-After']).toBe('7');
    expect(r.body.error).toEqual(
      expect.objectContaining({ type: 'rate_limit_error', code: 'rate_limited', requestId: 'req_1' }),
    );
    expect(log.error).not.toHaveBeenCalled();
  });

  it.each([
    [new BadRequestException('x'), 400, 'invalid_request_error'],
    [new ForbiddenException(), 403, 'permission_error'],
    [new NotFoundException('Cannot GET /secret/path'), 404, 'not_found'],
    [
      Object.assign(new Error('Unsupported Media Type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }),
      415,
      'invalid_request_error',
    ],
    [
      Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }),
      400,
      'invalid_request_error',
    ],
  ])('maps client errors (%s) to %i %s', (error, status, type) => {
    const r = toErrorResponse(error, 'req_2', logger());
    expect(r.status).toBe(status);
    expect(r.body.error.type).toBe(type);
    // Nest's "Cannot GET /path" is not echoed back.
    expect(r.body.error.message).not.toContain('/secret/path');
  });

  it('turns an unreachable dependency into 503 api_error', () => {
    const log = logger();
    const r = toErrorResponse(
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }),
      'req_3',
      log,
    );
    expect(r.status).toBe(503);
    expect(r.body.error.type).toBe('api_error');
    expect(JSON.stringify(r.body)).not.toContain('10.0.0.5');
  });

  it('logs a 500 with its cause and tells the client nothing about it', () => {
    const log = logger();
    const cause = new Error('relation "secret_table" does not exist at SELECT * FROM secret_table');
    const r = toErrorResponse(cause, 'req_4', log);
    expect(r.status).toBe(500);
    expect(r.body).toEqual({
      error: { type: 'api_error', code: 'internal_error', message: 'An internal error occurred', requestId: 'req_4' },
    });
    expect(log.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: cause, requestId: 'req_4' }),
      'unhandled error',
    );
  });
});

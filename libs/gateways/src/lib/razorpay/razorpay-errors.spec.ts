import type { HttpOutcome } from '../http-client';
import { classifyRazorpayFailure, type RazorpayFailureClass, type RazorpayOperation } from './razorpay-errors';

function response(status: number, body: unknown): HttpOutcome {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  return { kind: 'response', status, headers: new Headers(), text, json };
}

function rzpError(code: string, description: string) {
  return { error: { code, description, source: 'NA', step: 'NA', reason: 'NA', metadata: {} } };
}

const HTML = '<html><body><h1>502 Bad Gateway</h1></body></html>';

// One row per mapping rule (GATEWAY_APIS.md §3); `op` is the call the outcome answered.
const ROWS: [string, HttpOutcome, RazorpayOperation, RazorpayFailureClass, string][] = [
  [
    'connection refused before send',
    { kind: 'network_error', code: 'ECONNREFUSED', message: 'refused', requestSent: false },
    'create',
    'retryable',
    'gateway_unavailable',
  ],
  [
    'reset after send',
    { kind: 'network_error', code: 'ECONNRESET', message: 'reset', requestSent: true },
    'create',
    'unknown',
    'gateway_connection_lost',
  ],
  [
    '429 throttled',
    response(429, rzpError('BAD_REQUEST_ERROR', 'Too many requests')),
    'create',
    'retryable',
    'gateway_rate_limited',
  ],
  [
    '500 SERVER_ERROR on create',
    response(500, rzpError('SERVER_ERROR', 'The server encountered an error.')),
    'create',
    'retryable',
    'gateway_server_error',
  ],
  [
    '503 on create',
    response(503, rzpError('SERVER_ERROR', 'unavailable')),
    'create',
    'retryable',
    'gateway_server_error',
  ],
  [
    '504 GATEWAY_ERROR on create',
    response(504, rzpError('GATEWAY_ERROR', 'timeout')),
    'create',
    'retryable',
    'gateway_server_error',
  ],
  [
    '500 on refund (may have been initiated)',
    response(500, rzpError('SERVER_ERROR', 'x')),
    'refund',
    'unknown',
    'gateway_server_error',
  ],
  [
    'GATEWAY_ERROR body with a 400',
    response(400, rzpError('GATEWAY_ERROR', 'bank down')),
    'create',
    'retryable',
    'gateway_server_error',
  ],
  ['HTML 502 from a proxy on create', response(502, HTML), 'create', 'retryable', 'gateway_server_error'],
  ['HTML 502 from a proxy on refund', response(502, HTML), 'refund', 'unknown', 'gateway_server_error'],
  ['empty 503', response(503, ''), 'create', 'retryable', 'gateway_server_error'],
  ['HTML with 200 (may have been accepted)', response(200, HTML), 'create', 'unknown', 'gateway_invalid_response'],
  ['empty 200', response(200, ''), 'refund', 'unknown', 'gateway_invalid_response'],
  [
    '401 bad key',
    response(401, rzpError('BAD_REQUEST_ERROR', 'The api key provided is invalid')),
    'create',
    'permanent',
    'gateway_auth_failed',
  ],
  [
    '400 "api secret provided is invalid" (docs also list auth as a 400)',
    response(400, rzpError('BAD_REQUEST_ERROR', 'The api secret provided is invalid')),
    'create',
    'permanent',
    'gateway_auth_failed',
  ],
  [
    '400 BAD_REQUEST_ERROR validation',
    response(400, rzpError('BAD_REQUEST_ERROR', 'The amount must be at least INR 1.00')),
    'create',
    'permanent',
    'invalid_request',
  ],
  [
    '400 unknown id',
    response(400, rzpError('BAD_REQUEST_ERROR', 'The id provided does not exist')),
    'read',
    'permanent',
    'not_found',
  ],
  [
    '404',
    response(404, rzpError('BAD_REQUEST_ERROR', 'The requested URL was not found on the server.')),
    'read',
    'permanent',
    'not_found',
  ],
  [
    '409 different body, same idempotency key',
    response(
      409,
      rzpError('BAD_REQUEST_ERROR', 'Different request with the same idempotency key has already been processed.'),
    ),
    'refund',
    'permanent',
    'idempotency_conflict',
  ],
  [
    '409 same key still in flight',
    response(409, rzpError('BAD_REQUEST_ERROR', 'Request with the same idempotency key is still in progress.')),
    'refund',
    'unknown',
    'request_in_progress',
  ],
  [
    'other 4xx (HTML 403 from a WAF)',
    response(403, '<html>Forbidden</html>'),
    'create',
    'permanent',
    'gateway_rejected',
  ],
  ['3xx redirect (not followed)', response(302, ''), 'create', 'unknown', 'gateway_invalid_response'],
];

describe('classifyRazorpayFailure', () => {
  it.each(ROWS)('%s', (_name, outcome, op, expectedClass, expectedCode) => {
    const failure = classifyRazorpayFailure(outcome, op);
    expect(failure).toMatchObject({ class: expectedClass, errorCode: expectedCode });
    expect(failure.errorMessage.length).toBeGreaterThan(0);
    expect(failure.errorMessage.length).toBeLessThanOrEqual(500);
  });

  it('never puts the response body beyond the description into the message', () => {
    const failure = classifyRazorpayFailure(response(502, `<html>${'x'.repeat(5000)}</html>`), 'create');
    expect(failure.errorMessage).toBe('Razorpay HTTP 502: non-JSON body');
  });
});

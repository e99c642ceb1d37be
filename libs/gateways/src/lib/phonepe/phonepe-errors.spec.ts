import type { HttpOutcome } from '../http-client';
import { classifyPhonePeFailure, phonePeState, type PhonePeCodeRow } from './phonepe-errors';

function response(status: number, body: string): HttpOutcome {
  let json: unknown;
  try {
    json = body ? (JSON.parse(body) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  return { kind: 'response', status, headers: new Headers(), text: body, json };
}

const codeBody = (code: string) => JSON.stringify({ success: false, code, message: 'm', data: {} });

// [code, HTTP status, expected create, refund, read] — GATEWAY_APIS.md §2.1 codes, §2.2 errors, §3.
const CODE_ROWS: [string, number, PhonePeCodeRow][] = [
  ['INTERNAL_SERVER_ERROR', 500, { create: 'failed_retryable', refund: 'unknown', read: 'unknown' }],
  ['INTERNAL_SERVER_ERROR', 200, { create: 'failed_retryable', refund: 'unknown', read: 'unknown' }],
  ['TOO_MANY_REQUESTS', 429, { create: 'failed_retryable', refund: 'failed_retryable', read: 'unknown' }],
  ['PAYMENT_PENDING', 200, { create: 'unknown', refund: 'unknown', read: 'unknown' }],
  ['TIMED_OUT', 200, { create: 'unknown', refund: 'unknown', read: 'unknown' }],
  ['BAD_REQUEST', 400, { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' }],
  ['AUTHORIZATION_FAILED', 401, { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' }],
  ['KEY_NOT_CONFIGURED', 400, { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' }],
  ['REVERSAL_WINDOW_EXCEEDED', 400, { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' }],
  ['PAYMENT_ERROR', 200, { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' }],
  ['PAYMENT_DECLINED', 200, { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' }],
  ['TRANSACTION_NOT_FOUND', 404, { create: 'failed_permanent', refund: 'failed_permanent', read: 'not_found' }],
  [
    'MERCHANT_ORDER_MAPPING_NOT_FOUND',
    400,
    { create: 'failed_permanent', refund: 'failed_permanent', read: 'not_found' },
  ],
];

// [description, HTTP status, body, expected] for bodies without a known code.
const HTTP_ROWS: [string, number, string, PhonePeCodeRow][] = [
  ['429 empty', 429, '', { create: 'failed_retryable', refund: 'failed_retryable', read: 'unknown' }],
  ['500 empty', 500, '', { create: 'failed_retryable', refund: 'unknown', read: 'unknown' }],
  ['502 HTML', 502, '<html>Bad Gateway</html>', { create: 'failed_retryable', refund: 'unknown', read: 'unknown' }],
  ['503 garbage', 503, '{not json', { create: 'failed_retryable', refund: 'unknown', read: 'unknown' }],
  ['504 empty', 504, '', { create: 'failed_retryable', refund: 'unknown', read: 'unknown' }],
  [
    '400 unknown code',
    400,
    codeBody('SOMETHING_NEW'),
    { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' },
  ],
  ['401 after refresh', 401, '', { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' }],
  ['403', 403, '', { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' }],
  ['404 HTML', 404, '<html/>', { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' }],
  ['422', 422, '{}', { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' }],
  ['200 HTML', 200, '<html>hi</html>', { create: 'unknown', refund: 'unknown', read: 'unknown' }],
  ['200 empty', 200, '', { create: 'unknown', refund: 'unknown', read: 'unknown' }],
  ['302 redirect', 302, '', { create: 'unknown', refund: 'unknown', read: 'unknown' }],
];

describe('classifyPhonePeFailure', () => {
  it.each(CODE_ROWS)('code %s (HTTP %i)', (code, status, expected) => {
    const failure = classifyPhonePeFailure(response(status, codeBody(code)));
    expect(failure.row).toEqual(expected);
    expect(failure.errorCode).toBe(code);
  });

  it('reads v2 `errorCode` when there is no `code`', () => {
    const failure = classifyPhonePeFailure(response(400, JSON.stringify({ errorCode: 'BAD_REQUEST' })));
    expect(failure.errorCode).toBe('BAD_REQUEST');
  });

  it.each(HTTP_ROWS)('%s', (_name, status, body, expected) => {
    expect(classifyPhonePeFailure(response(status, body)).row).toEqual(expected);
  });

  it('network error before sending: retryable writes', () => {
    const f = classifyPhonePeFailure({ kind: 'network_error', code: 'ECONNREFUSED', message: '', requestSent: false });
    expect(f.row).toEqual({ create: 'failed_retryable', refund: 'failed_retryable', read: 'unknown' });
  });

  it('network error after sending: unknown everywhere', () => {
    const f = classifyPhonePeFailure({ kind: 'network_error', code: 'ECONNRESET', message: '', requestSent: true });
    expect(f.row).toEqual({ create: 'unknown', refund: 'unknown', read: 'unknown' });
  });
});

describe('phonePeState', () => {
  it.each([
    ['PENDING', 'pending'],
    ['CONFIRMED', 'pending'],
    ['COMPLETED', 'succeeded'],
    ['FAILED', 'failed'],
    ['EXPIRED', 'failed'],
    ['SOMETHING', undefined],
    ['toString', undefined],
    [42, undefined],
  ])('%s → %s', (state, expected) => {
    expect(phonePeState(state)).toBe(expected);
  });
});

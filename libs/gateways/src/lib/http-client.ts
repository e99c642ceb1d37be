/**
 * The one HTTP primitive adapters use to reach a gateway (Node's fetch). It never throws for what the network
 * or the gateway does; it only rethrows an abort, so `boundedCall` can report the timeout.
 *
 * The distinction that matters for routing is whether the request may have reached the gateway: a refused
 * connection or a failed DNS lookup certainly did not (failover is safe), a reset or a timeout may have.
 */

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export type HttpOutcome =
  | {
      kind: 'response';
      status: number;
      headers: Headers;
      text: string;
      /** The parsed body, or undefined when it is not JSON (gateways do send HTML error pages). */
      json: unknown;
    }
  | { kind: 'network_error'; code: string; message: string; requestSent: boolean };

// Failures that happen before a byte of the request can have reached the gateway.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export async function httpRequest(req: HttpRequest): Promise<HttpOutcome> {
  let response: Response;
  try {
    response = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      redirect: 'manual',
    });
  } catch (error) {
    if (req.signal.aborted) throw error;
    return classifyNetworkError(error);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (req.signal.aborted) throw error;
    // Headers arrived, the body broke off: the gateway has certainly seen the request.
    return { ...classifyNetworkError(error), requestSent: true };
  }
  return { kind: 'response', status: response.status, headers: response.headers, text, json: parseJson(text) };
}

function classifyNetworkError(error: unknown): Extract<HttpOutcome, { kind: 'network_error' }> {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code =
    typeof cause?.code === 'string'
      ? cause.code
      : error instanceof TypeError && /invalid url/i.test(String(cause?.message ?? error.message))
        ? 'ERR_INVALID_URL'
        : 'NETWORK_ERROR';
  const message = typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : '';
  return { kind: 'network_error', code, message, requestSent: !NOT_SENT_CODES.has(code) };
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

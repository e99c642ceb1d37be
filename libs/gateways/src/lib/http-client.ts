import { Agent, fetch, type Dispatcher } from 'undici';

/**
 * The one HTTP primitive adapters use to reach a gateway (undici's fetch). It never throws for what the network
 * or the gateway does; it only rethrows an abort, so `boundedCall` can report the timeout.
 *
 * The distinction that matters for routing is whether the request may have reached the gateway: a refused
 * connection or a failed DNS lookup certainly did not (failover is safe), a reset or a timeout may have.
 *
 * Connections are pooled per gateway origin (an undici Agent keeps one Pool per origin): kept alive between
 * calls, since a TLS handshake to a gateway costs more than most of its answers, and capped, so a slow gateway
 * queues our calls instead of opening sockets without bound. Per-call timeouts stay with the caller's signal.
 */

export interface GatewayPoolOptions {
  /** Open connections per gateway origin; calls beyond it wait for a free one. */
  connections?: number;
  /** How long an idle connection is kept (a server's shorter Keep-Alive hint wins). */
  keepAliveTimeoutMs?: number;
}

// Idle sockets are kept 10 s unless the server's Keep-Alive hint says less: long enough to carry a steady payment
// flow, short enough that a gateway's load balancer rarely closes one under a request we then cannot replay.
export const GATEWAY_POOL_DEFAULTS: Required<GatewayPoolOptions> = { connections: 64, keepAliveTimeoutMs: 10_000 };

export function createGatewayDispatcher(options: GatewayPoolOptions = {}): Dispatcher {
  const { connections, keepAliveTimeoutMs } = { ...GATEWAY_POOL_DEFAULTS, ...options };
  return new Agent({
    connections,
    keepAliveTimeout: keepAliveTimeoutMs,
    keepAliveMaxTimeout: Math.max(keepAliveTimeoutMs, 60_000),
  });
}

let sharedDispatcher: Dispatcher | undefined;

/** The process-wide pool every adapter uses unless a request names its own dispatcher. */
export function gatewayDispatcher(): Dispatcher {
  sharedDispatcher ??= createGatewayDispatcher();
  return sharedDispatcher;
}

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** The connection pool to use; the shared gateway pool when absent. */
  dispatcher?: Dispatcher;
}

export type HttpOutcome =
  | {
      kind: 'response';
      status: number;
      headers: Pick<Headers, 'get' | 'has' | 'forEach'>;
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
  let response: Awaited<ReturnType<typeof fetch>>;
  try {
    response = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      redirect: 'manual',
      dispatcher: req.dispatcher ?? gatewayDispatcher(),
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

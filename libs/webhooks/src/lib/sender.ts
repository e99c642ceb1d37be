import type { LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import {
  type ResolveHost,
  type TargetPolicy,
  isPublicAddress,
  resolveHost,
  resolvedAddressProblem,
  urlProblem,
} from './target-guard';

/** Bytes of a receiver's answer we keep (and read at all): a receiver answering 5 GB costs us 1 KB. */
export const RESPONSE_EXCERPT_BYTES = 1024;

export type DeliveryErrorClass =
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'dns_failure'
  | 'target_refused'
  | 'tls_error'
  | 'redirect'
  | 'http_error'
  | 'network_error';

export interface DeliveryResult {
  ok: boolean;
  /** HTTP status, when the receiver answered at all. */
  status: number | null;
  latencyMs: number;
  /** At most RESPONSE_EXCERPT_BYTES of the answer, decoded as UTF-8. */
  excerpt: string | null;
  errorClass: DeliveryErrorClass | null;
  /** `Retry-After` of a 429 or 503, in ms from now. */
  retryAfterMs: number | null;
}

export interface SendOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  policy: TargetPolicy;
  /** Resolves the URL's host name; the system resolver unless a test stands in for DNS. */
  resolve?: ResolveHost;
}

class TargetRefusedError extends Error {
  readonly code = 'LSP_TARGET_REFUSED';
}

class DeliveryTimeoutError extends Error {
  readonly code = 'LSP_TIMEOUT';
}

// Keep-alive pools: a busy endpoint reuses its connections (a socket is only ever opened through the guarded
// lookup below, so reuse never skips the address check). Redirects are never followed: Node's client does not.
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** DNS resolution that refuses private answers, so the address checked is the address connected to. */
function guardedLookup(policy: TargetPolicy, resolve: ResolveHost) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) {
          return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
        }
        const problem = resolvedAddressProblem(
          addresses.map((a) => a.address),
          policy,
        );
        if (problem) return callback(new TargetRefusedError(problem.message), []);
        if (options.all) return callback(null, addresses);
        return callback(null, addresses[0].address, addresses[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };
}

export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function classify(err: unknown): DeliveryErrorClass {
  const code = (err as { code?: string } | null)?.code ?? '';
  if (err instanceof DeliveryTimeoutError) return 'timeout';
  if (err instanceof TargetRefusedError) return 'target_refused';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection_reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns_failure';
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'EPROTO') return 'tls_error';
  return 'network_error';
}

/**
 * One webhook POST. Never throws: every outcome is a DeliveryResult to record. The whole exchange (DNS, connect,
 * headers and the excerpt) is bounded by `timeoutMs`; a 2xx is success, a 3xx is a failure and is not followed.
 */
export function sendWebhook(options: SendOptions): Promise<DeliveryResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const failed = (errorClass: DeliveryErrorClass, status: number | null = null): DeliveryResult => ({
    ok: false,
    status,
    latencyMs: elapsed(),
    excerpt: null,
    errorClass,
    retryAfterMs: null,
  });

  const problem = urlProblem(options.url, options.policy);
  if (problem) return Promise.resolve(failed('target_refused'));
  const url = new URL(options.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // A literal address never goes through the lookup: judge it here.
  if (isIP(host) && !options.policy.allowPrivate && !isPublicAddress(host)) {
    return Promise.resolve(failed('target_refused'));
  }

  return new Promise<DeliveryResult>((resolve) => {
    let settled = false;
    let timedOut = false;
    const finish = (result: DeliveryResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const https = url.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      agent: https ? httpsAgent : httpAgent,
      lookup: guardedLookup(options.policy, options.resolve ?? resolveHost) as never,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(options.body)),
        'user-agent': 'LightSpeedPay-Webhooks/1.0',
        ...options.headers,
      },
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new DeliveryTimeoutError('no answer in time'));
    }, options.timeoutMs);
    req.on('error', (err) => finish(failed(classify(err))));
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = (): void => {
        // Headers came but the body did not finish in time: a hung receiver, not a success.
        if (timedOut) return finish(failed('timeout', status));
        const excerpt = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
        const ok = status >= 200 && status < 300;
        finish({
          ok,
          status,
          latencyMs: elapsed(),
          excerpt,
          errorClass: ok ? null : status >= 300 && status < 400 ? 'redirect' : 'http_error',
          retryAfterMs: status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after']) : null,
        });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        kept += chunk.length;
        if (kept >= RESPONSE_EXCERPT_BYTES) {
          // Enough: stop reading and drop the connection rather than drain an arbitrarily large body.
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.end(options.body);
  });
}

import { Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import type { AppConfig } from '@lsp/platform';
import { type ResolveHost, type TargetPolicy, resolveHost, resolvedAddressProblem, urlProblem } from '@lsp/webhooks';
import { ApiException } from '../core/http/api.exception';

const RESOLVE_TIMEOUT_MS = 3000;

export function targetPolicy(config: AppConfig): TargetPolicy {
  return { allowPrivate: config.webhookAllowPrivateTargets, requireHttps: config.nodeEnv === 'production' };
}

/**
 * The DNS the API consults for webhook targets (registration check and the test delivery): the system resolver.
 * A provider of its own so a test can make a public-looking name resolve to a private address.
 */
@Injectable()
export class WebhookHostResolver {
  resolve: ResolveHost = resolveHost;
}

/**
 * Registration-time SSRF check (the workers check again on the address each delivery connects to): the URL's
 * form, then — unless private targets are allowed — every address its host resolves to. 400 naming `url`.
 */
export async function assertWebhookTarget(
  url: string,
  policy: TargetPolicy,
  resolve: ResolveHost = resolveHost,
): Promise<void> {
  const problem = urlProblem(url, policy);
  if (problem) throw ApiException.invalid('url', problem.message, problem.code);
  if (policy.allowPrivate) return;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) return;
  let addresses: string[];
  try {
    const resolved = await Promise.race([
      resolve(host),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), RESOLVE_TIMEOUT_MS).unref()),
    ]);
    addresses = resolved.map((a) => a.address);
  } catch {
    throw ApiException.invalid('url', `url host '${host}' does not resolve`, 'url_unresolvable');
  }
  const resolvedProblem = resolvedAddressProblem(addresses, policy);
  if (resolvedProblem) throw ApiException.invalid('url', resolvedProblem.message, resolvedProblem.code);
}

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AppConfig } from '@lsp/platform';
import { type TargetPolicy, resolvedAddressProblem, urlProblem } from '@lsp/webhooks';
import { ApiException } from '../core/http/api.exception';

const RESOLVE_TIMEOUT_MS = 3000;

export function targetPolicy(config: AppConfig): TargetPolicy {
  return { allowPrivate: config.webhookAllowPrivateTargets, requireHttps: config.nodeEnv === 'production' };
}

/**
 * Registration-time SSRF check (the workers check again on the address each delivery connects to): the URL's
 * form, then — unless private targets are allowed — every address its host resolves to. 400 naming `url`.
 */
export async function assertWebhookTarget(url: string, policy: TargetPolicy): Promise<void> {
  const problem = urlProblem(url, policy);
  if (problem) throw ApiException.invalid('url', problem.message, problem.code);
  if (policy.allowPrivate) return;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) return;
  let addresses: string[];
  try {
    const resolved = await Promise.race([
      lookup(host, { all: true }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), RESOLVE_TIMEOUT_MS).unref()),
    ]);
    addresses = resolved.map((a) => a.address);
  } catch {
    throw ApiException.invalid('url', `url host '${host}' does not resolve`, 'url_unresolvable');
  }
  const resolvedProblem = resolvedAddressProblem(addresses, policy);
  if (resolvedProblem) throw ApiException.invalid('url', resolvedProblem.message, resolvedProblem.code);
}

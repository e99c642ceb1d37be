import type { RoutingDecision } from '@lsp/contracts';

export interface RoutableGateway {
  code: string;
  priority: number;
  enabled: boolean;
  currencies: string[];
  methods: string[];
  healthStatus: 'healthy' | 'degraded' | 'down';
}

/**
 * Candidates for a payment, best first: enabled, healthy enough, supporting the currency and method, by priority;
 * a merchant's preferred gateway goes first when it is eligible. Every gateway appears in the decision with the
 * reason it was skipped, so an operator can read why a payment went where it went.
 */
export function rankCandidates<G extends RoutableGateway>(
  gateways: G[],
  request: { currency: string; method: string; preferred?: string | null },
): { candidates: G[]; decision: RoutingDecision } {
  const ordered = [...gateways].sort((a, b) => a.priority - b.priority || a.code.localeCompare(b.code));
  const entries: RoutingDecision['candidates'] = [];
  const candidates: G[] = [];
  for (const g of ordered) {
    const skipped = !g.enabled
      ? 'disabled'
      : g.healthStatus === 'down'
        ? 'marked down by health checks'
        : !g.currencies.includes(request.currency)
          ? `does not support ${request.currency}`
          : !g.methods.includes(request.method)
            ? `does not support ${request.method}`
            : undefined;
    entries.push({ code: g.code, priority: g.priority, ...(skipped ? { skipped } : {}) });
    if (!skipped) candidates.push(g);
  }
  let reason = 'highest priority eligible gateway first';
  if (request.preferred) {
    const i = candidates.findIndex((g) => g.code === request.preferred);
    if (i > 0) candidates.unshift(...candidates.splice(i, 1));
    reason =
      i >= 0
        ? `merchant preferred ${request.preferred}`
        : `preferred ${request.preferred} is not eligible; by priority`;
  }
  return { candidates, decision: { reason, candidates: entries } };
}

import type { GatewayView } from '@lsp/contracts';

/** A gateway as `GET /admin/gateways` returns it, with overrides. */
export function gatewayView(id: string, overrides: Partial<GatewayView> = {}): GatewayView {
  return {
    id,
    object: 'gateway',
    code: `code-${id.replace(/^gw_/, '')}`,
    name: `Gateway ${id}`,
    provider: 'sandbox',
    priority: 10,
    enabled: true,
    currencies: ['INR'],
    methods: ['upi', 'card'],
    config: {},
    credentials: {},
    webhookSecretSet: true,
    secretsKeyVersion: 'v1',
    health: {
      status: 'healthy',
      successRate: 0.98,
      p95LatencyMs: 240,
      attempts: 50,
      circuit: 'closed',
      checkedAt: '2026-11-26T10:00:00.000Z',
    },
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:00:00Z',
    ...overrides,
  };
}

import type { GatewayHealthStatus, GatewayProviderName, PaymentMethod } from '@lsp/contracts';

/**
 * Shapes the console reads or sends for gateways that are not (yet) in libs/contracts. The stream and history
 * shapes follow the cross-part contract of the gateway-health work; they move to the contracts library with it.
 */

export type CircuitState = 'closed' | 'open' | 'half_open';

/** `data.data` of a `gateway.health` message on the `gateway-health` stream. */
export interface GatewayHealthStreamData {
  gatewayId: string;
  code: string;
  status: GatewayHealthStatus;
  previousStatus: GatewayHealthStatus | null;
  circuit: CircuitState;
  successRate: number | null;
  p95LatencyMs: number | null;
  attempts: number;
  checkedAt: string;
}

/** The SSE `data:` of operations streams: the whole published message (libs/queues `StreamMessage`). */
export interface OperationsStreamMessage<T> {
  id: string;
  stream: string;
  type: string;
  at: string;
  merchantId: string | null;
  data: T;
}

/** One row of `GET /admin/gateways/:id/health/history`. */
export interface GatewayHealthSample {
  at: string;
  status: GatewayHealthStatus;
  successRate: number | null;
  p95LatencyMs: number | null;
  attempts: number;
  failures: number;
  probeLatencyMs: number | null;
  probeError: string | null;
}

/** What a row shows about health: the REST figures, plus the circuit and attempts once the stream reports them. */
export interface LiveHealth {
  status: GatewayHealthStatus;
  successRate: number | null;
  p95LatencyMs: number | null;
  checkedAt: string | null;
  circuit: CircuitState | null;
  attempts: number | null;
}

export interface GatewayCreateRequest {
  code: string;
  name: string;
  provider: GatewayProviderName;
  priority: number;
  enabled: boolean;
  currencies: string[];
  methods: PaymentMethod[];
  config: Record<string, unknown>;
  credentials?: Record<string, string>;
  webhookSecret?: string;
}

/** `provider` cannot change; absent credentials and webhook secret are kept as they are. */
export type GatewayUpdateRequest = Partial<Omit<GatewayCreateRequest, 'provider'>>;

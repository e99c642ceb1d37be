export const GATEWAY_PROVIDERS = ['sandbox', 'razorpay', 'phonepe'] as const;
export type GatewayProviderName = (typeof GATEWAY_PROVIDERS)[number];

export type GatewayHealthStatus = 'healthy' | 'degraded' | 'down';

export type GatewayCircuitState = 'closed' | 'open' | 'half_open';

export interface GatewayHealth {
  status: GatewayHealthStatus;
  /**
   * Share (0..1) of the attempts the gateway answered, over the health collector's window (GATEWAY_HEALTH_WINDOW)
   * as of `checkedAt`; before the first check, the share of attempts of the last 15 minutes that succeeded. Null
   * when no attempt finished.
   */
  successRate: number | null;
  /** p95 of the gateway's call latency over the same window; null without data. */
  p95LatencyMs: number | null;
  /** Attempts the last check judged (0 before the first check). */
  attempts: number;
  /** The shared circuit breaker: `open` takes the gateway out of routing. Null while Redis cannot tell. */
  circuit: GatewayCircuitState | null;
  checkedAt: string | null;
}

/** One point of `GET /admin/gateways/:id/health/history` (one collector tick, or the worst of a bucket of ticks). */
export interface GatewayHealthSampleView {
  at: string;
  status: GatewayHealthStatus;
  successRate: number | null;
  p95LatencyMs: number | null;
  attempts: number;
  failures: number;
  probeLatencyMs: number | null;
  probeError: string | null;
}

export interface GatewayHealthHistory {
  data: GatewayHealthSampleView[];
}

/** `data` of a `gateway.health` message on the `gateway-health` stream: sent when a gateway's status changes. */
export interface GatewayHealthChange {
  gatewayId: string;
  code: string;
  status: GatewayHealthStatus;
  previousStatus: GatewayHealthStatus;
  circuit: GatewayCircuitState;
  successRate: number | null;
  p95LatencyMs: number | null;
  attempts: number;
  checkedAt: string;
}

/** `POST /admin/gateways/reencrypt`: the job that moves every gateway's secrets to the newest key. */
export interface GatewayReencryptRequested {
  jobId: string;
  queue: 'gateways';
  /** The key version secrets are being moved to. */
  keyVersion: string;
  /** Gateways whose secrets are still sealed under an older key when the job was queued. */
  pending: number;
}

export interface GatewayView {
  id: string;
  object: 'gateway';
  code: string;
  name: string;
  provider: GatewayProviderName;
  priority: number;
  enabled: boolean;
  currencies: string[];
  methods: string[];
  config: Record<string, unknown>;
  /** Masked on every read, e.g. `{ keyId: 'rzp_test_••••abcd', keySecret: '••••' }`: secrets are write-only. */
  credentials: Record<string, string>;
  webhookSecretSet: boolean;
  /** The ENCRYPTION_KEYS version the secrets are sealed under: shows key-rotation progress. */
  secretsKeyVersion: string;
  health: GatewayHealth;
  createdAt: string;
  updatedAt: string;
}

/** The create response is the only place the webhook secret is ever shown. */
export interface CreatedGateway extends GatewayView {
  webhookSecret: string;
}

export interface GatewayHealthEntry extends GatewayHealth {
  id: string;
  code: string;
}

export interface GatewayTestResult {
  ok: boolean;
  latencyMs: number;
  errorClass?: string;
}

export interface GatewayPriorityUpdate {
  id: string;
  priority: number;
}

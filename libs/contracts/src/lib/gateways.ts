export const GATEWAY_PROVIDERS = ['sandbox', 'razorpay', 'phonepe'] as const;
export type GatewayProviderName = (typeof GATEWAY_PROVIDERS)[number];

export type GatewayHealthStatus = 'healthy' | 'degraded' | 'down';

export interface GatewayHealth {
  status: GatewayHealthStatus;
  /** Share (0..1) of the attempts finished in the last 15 minutes that succeeded; null when none finished. */
  successRate: number | null;
  /** p95 of the gateway's call latency over the last 15 minutes; null without data. */
  p95LatencyMs: number | null;
  checkedAt: string | null;
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

import type { GatewayCircuitState, GatewayHealthEntry, GatewayView } from '@lsp/contracts';
import { SecretBox } from '@lsp/platform';
import { maskCredentials } from './gateway-credentials';
import type { GatewayRow, GatewayStats } from './gateways.repository';

/** What `secrets_encrypted` holds once opened (the same JSON GatewayDirectory reads). */
export interface GatewaySecrets {
  credentials: Record<string, string>;
  webhookSecret: string;
}

/** Live figures that are not on the gateway row: recent attempts (before the first health check) and the circuit. */
export interface GatewayLiveHealth {
  stats?: GatewayStats;
  circuit: GatewayCircuitState | null;
}

export function toGatewayView(row: GatewayRow, secrets: GatewaySecrets, live: GatewayLiveHealth): GatewayView {
  return {
    id: row.id,
    object: 'gateway',
    code: row.code,
    name: row.name,
    provider: row.provider,
    priority: row.priority,
    enabled: row.enabled,
    currencies: row.currencies,
    methods: row.methods,
    config: row.config,
    credentials: maskCredentials(row.provider, secrets.credentials),
    webhookSecretSet: secrets.webhookSecret.length > 0,
    secretsKeyVersion: SecretBox.versionOf(row.secrets_encrypted),
    health: toHealth(row, live),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toHealthEntry(row: GatewayRow, live: GatewayLiveHealth): GatewayHealthEntry {
  return { id: row.id, code: row.code, ...toHealth(row, live) };
}

/** The collector's figures once it has checked the gateway; until then what the recent attempts say. */
function toHealth(row: GatewayRow, { stats, circuit }: GatewayLiveHealth): GatewayView['health'] {
  const checked = row.health_checked_at !== null;
  const successRate = checked ? row.health_success_rate : (stats?.success_rate ?? null);
  return {
    status: row.health_status,
    successRate: successRate === null ? null : Math.round(successRate * 10_000) / 10_000,
    p95LatencyMs: checked ? row.health_p95_latency_ms : (stats?.p95_latency_ms ?? null),
    attempts: checked ? row.health_attempts : 0,
    circuit,
    checkedAt: row.health_checked_at?.toISOString() ?? null,
  };
}

import type { GatewayHealthEntry, GatewayView } from '@lsp/contracts';
import { SecretBox } from '@lsp/platform';
import { maskCredentials } from './gateway-credentials';
import type { GatewayRow, GatewayStats } from './gateways.repository';

/** What `secrets_encrypted` holds once opened (the same JSON GatewayDirectory reads). */
export interface GatewaySecrets {
  credentials: Record<string, string>;
  webhookSecret: string;
}

export function toGatewayView(row: GatewayRow, secrets: GatewaySecrets, stats?: GatewayStats): GatewayView {
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
    health: toHealth(row, stats),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toHealthEntry(row: GatewayRow, stats?: GatewayStats): GatewayHealthEntry {
  return { id: row.id, code: row.code, ...toHealth(row, stats) };
}

function toHealth(row: GatewayRow, stats?: GatewayStats): GatewayView['health'] {
  return {
    status: row.health_status,
    successRate:
      stats?.success_rate === null || stats?.success_rate === undefined
        ? null
        : Math.round(stats.success_rate * 10_000) / 10_000,
    p95LatencyMs: stats?.p95_latency_ms ?? null,
    checkedAt: row.health_checked_at?.toISOString() ?? null,
  };
}

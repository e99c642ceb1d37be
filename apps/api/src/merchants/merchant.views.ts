import type { ApiKeyView, MerchantView } from '@lsp/contracts';
import { maskApiKey } from './api-key-secrets';
import type { ApiKeyRow, MerchantRow } from './merchants.repository';

export function toMerchantView(row: MerchantRow): MerchantView {
  return {
    id: row.id,
    object: 'merchant',
    name: row.name,
    email: row.email,
    status: row.status,
    settlementSchedule: row.settlement_schedule,
    rateLimitPerMinute: row.rate_limit_per_minute,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Masked: the secret is unrecoverable after creation; only its mode and last four characters are shown. */
export function toApiKeyView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    object: 'api_key',
    merchantId: row.merchant_id,
    mode: row.mode,
    masked: maskApiKey(row.mode, row.last4),
    status: row.status,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export const SETTLEMENT_SCHEDULES = ['T+1', 'T+2', 'manual'] as const;
export type SettlementSchedule = (typeof SETTLEMENT_SCHEDULES)[number];

export const MERCHANT_STATUSES = ['active', 'suspended'] as const;
export type MerchantStatus = (typeof MERCHANT_STATUSES)[number];

export interface MerchantView {
  id: string;
  object: 'merchant';
  name: string;
  email: string;
  status: MerchantStatus;
  settlementSchedule: SettlementSchedule;
  rateLimitPerMinute: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateMerchantRequest {
  name: string;
  email: string;
  settlementSchedule?: SettlementSchedule;
  rateLimitPerMinute?: number;
}

export interface UpdateMerchantRequest {
  name?: string;
  status?: MerchantStatus;
  settlementSchedule?: SettlementSchedule;
  rateLimitPerMinute?: number;
}

export interface ApiKeyView {
  id: string;
  object: 'api_key';
  merchantId: string;
  mode: 'test' | 'live';
  /** e.g. `lsp_test_••••3f9a` — the secret itself is never shown again after creation. */
  masked: string;
  status: 'active' | 'revoked';
  lastUsedAt: string | null;
  expiresAt: string | null;
  createdAt: string;
}

/** Returned once, at creation: the only time the secret is ever visible. */
export interface CreatedApiKey extends ApiKeyView {
  secret: string;
}

export interface CreateMerchantResponse {
  merchant: MerchantView;
  apiKey: CreatedApiKey;
}

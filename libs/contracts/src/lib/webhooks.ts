/** API.md §8 and §9: merchant webhooks and the developer area. */

export type WebhookEndpointStatus = 'enabled' | 'disabled';

export interface WebhookEndpointView {
  id: string;
  object: 'webhook_endpoint';
  merchantId: string;
  url: string;
  description: string | null;
  events: string[];
  status: WebhookEndpointStatus;
  /** Why it is disabled: by the merchant, by a 410 Gone from the receiver, or after failing for 5 days. */
  disabledReason: 'manual' | 'gone' | 'failing' | null;
  /** Since when deliveries have failed without a success in between; null when healthy. */
  failingSince: string | null;
  /** Until when the previous secret still signs beside the current one (secret rotation). */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Create and rotate responses: the only place the secret is ever shown. */
export interface WebhookEndpointWithSecret extends WebhookEndpointView {
  secret: string;
}

export interface WebhookEventView {
  id: string;
  object: 'event';
  type: string;
  createdAt: string;
  data: { object: Record<string, unknown> };
}

export interface WebhookAttemptView {
  id: string;
  attempt: number;
  at: string;
  webhookTimestamp: number;
  outcome: 'succeeded' | 'failed';
  responseStatus: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  errorClass: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  object: 'webhook_delivery';
  eventId: string;
  endpointId: string;
  url: string;
  status: 'pending' | 'succeeded' | 'failed';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  createdAt: string;
  attempts: WebhookAttemptView[];
}

export interface RedeliveryResult {
  object: 'redelivery';
  /** Deliveries given a new attempt now (same `webhook-id`). */
  redelivered: number;
  /** Deliveries left alone because their endpoint is disabled. */
  skipped: number;
}

export interface WebhookTestResult {
  object: 'webhook_test';
  endpointId: string;
  eventId: string;
  eventType: string;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  errorClass: string | null;
}

export interface ApiUsageDay {
  day: string;
  calls: number;
  p95LatencyMs: number | null;
  byStatusClass: Record<string, number>;
}

export interface ApiUsageRoute {
  route: string;
  calls: number;
  p95LatencyMs: number | null;
  byStatusClass: Record<string, number>;
}

export interface ApiUsageView {
  object: 'api_usage';
  merchantId: string;
  from: string;
  to: string;
  totalCalls: number;
  p95LatencyMs: number | null;
  byStatusClass: Record<string, number>;
  days: ApiUsageDay[];
  routes: ApiUsageRoute[];
}

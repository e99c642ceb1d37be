import type { WebhookAttemptView, WebhookDeliveryView, WebhookEndpointView, WebhookEventView } from '@lsp/contracts';
import type { AttemptRow, DeliveryRow, EndpointRow, EventRow } from './webhooks.repository';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toEndpointView(row: EndpointRow): WebhookEndpointView {
  const rotating = row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > Date.now();
  return {
    id: row.id,
    object: 'webhook_endpoint',
    merchantId: row.merchant_id,
    url: row.url,
    description: row.description,
    events: row.event_types,
    status: row.status,
    disabledReason: row.disabled_reason,
    failingSince: iso(row.failing_since),
    previousSecretExpiresAt: rotating ? iso(row.previous_secret_expires_at) : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toEventView(row: EventRow): WebhookEventView {
  return {
    id: row.id,
    object: 'event',
    type: row.type,
    createdAt: row.occurred_at.toISOString(),
    data: { object: row.payload },
  };
}

function toAttemptView(row: AttemptRow): WebhookAttemptView {
  return {
    id: row.id,
    attempt: row.attempt_number,
    at: row.at.toISOString(),
    webhookTimestamp: Number(row.webhook_timestamp),
    outcome: row.outcome,
    responseStatus: row.response_status,
    latencyMs: row.latency_ms,
    responseExcerpt: row.response_excerpt,
    errorClass: row.error_class,
  };
}

export function toDeliveryView(row: DeliveryRow, attempts: AttemptRow[]): WebhookDeliveryView {
  return {
    id: row.id,
    object: 'webhook_delivery',
    eventId: row.event_id,
    endpointId: row.endpoint_id,
    url: row.url,
    status: row.status,
    attemptCount: row.attempt_count,
    nextAttemptAt: iso(row.next_attempt_at),
    lastAttemptAt: iso(row.last_attempt_at),
    createdAt: row.created_at.toISOString(),
    attempts: attempts.filter((a) => a.delivery_id === row.id).map(toAttemptView),
  };
}

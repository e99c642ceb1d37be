/**
 * The event types merchants may subscribe to (API.md §8). `settlement.paid` is accepted in subscriptions before
 * the settlements work records it: an endpoint subscribed to it simply receives nothing until then.
 */
export const WEBHOOK_EVENT_TYPES = [
  'payment.created',
  'payment.captured',
  'payment.failed',
  'payment.cancelled',
  'refund.succeeded',
  'refund.failed',
  'settlement.paid',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent only by `POST /api/v1/merchant/webhooks/test`; never stored, never subscribed to. */
export const TEST_EVENT_TYPE = 'test.webhook';

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

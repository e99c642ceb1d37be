/**
 * The event types an endpoint may subscribe to (API.md §8). The console cannot import the server's
 * libs/webhooks, so the list is repeated here; the API still validates every subscription.
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

export const TEST_EVENT_TYPE = 'test.webhook';

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

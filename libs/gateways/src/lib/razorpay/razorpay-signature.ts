import { headerValue, hmacSha256Hex, verifyHmacSha256Hex } from '../webhook-signature';
import type { WebhookRequest } from '../gateway-adapter';

export const RAZORPAY_SIGNATURE_HEADER = 'X-Razorpay-Signature';
export const RAZORPAY_EVENT_ID_HEADER = 'X-Razorpay-Event-Id';
export const RAZORPAY_IDEMPOTENCY_HEADER = 'X-Refund-Idempotency';

/**
 * Checkout result signature (GATEWAY_APIS.md §1.5): hex HMAC-SHA256 of `order_id|razorpay_payment_id` under the
 * API key secret. Take `orderId` from our own records, never from the browser.
 */
export function razorpayCheckoutSignature(orderId: string, paymentId: string, keySecret: string): string {
  return hmacSha256Hex(`${orderId}|${paymentId}`, keySecret);
}

export function verifyRazorpayCheckoutSignature(
  orderId: string,
  paymentId: string,
  signature: string | undefined,
  keySecret: string,
): boolean {
  return verifyHmacSha256Hex(`${orderId}|${paymentId}`, signature, keySecret);
}

/** Webhook signature: hex HMAC-SHA256 of the raw body bytes under the webhook secret (not the API secret). */
export function signRazorpayWebhook(rawBody: string, webhookSecret: string): string {
  return hmacSha256Hex(rawBody, webhookSecret);
}

export function verifyRazorpayWebhook(req: WebhookRequest, webhookSecret: string): boolean {
  return verifyHmacSha256Hex(req.rawBody, headerValue(req.headers, RAZORPAY_SIGNATURE_HEADER), webhookSecret);
}

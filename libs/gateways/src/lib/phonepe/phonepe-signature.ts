import { createHash, timingSafeEqual } from 'node:crypto';

/** PhonePe checksums (GATEWAY_APIS.md §2.1, §2.2 Webhooks). */

export const PHONEPE_X_VERIFY_HEADER = 'X-VERIFY';
export const PHONEPE_MERCHANT_ID_HEADER = 'X-MERCHANT-ID';

export function sha256Hex(input: string): string {
  return createHash('sha256').update(input, 'utf8').digest('hex');
}

/** v1 request checksum: hex(SHA256(base64Payload + apiPath + saltKey)) + '###' + saltIndex (status: payload ''). */
export function phonePeXVerify(base64Payload: string, apiPath: string, saltKey: string, saltIndex: string): string {
  return `${sha256Hex(base64Payload + apiPath + saltKey)}###${saltIndex}`;
}

/** v1 server-to-server callback checksum: no path in the string. */
export function phonePeCallbackXVerify(base64Response: string, saltKey: string, saltIndex: string): string {
  return `${sha256Hex(base64Response + saltKey)}###${saltIndex}`;
}

/** v2 webhook `Authorization`: the bare hex SHA256 of "username:password" (no scheme word). */
export function phonePeWebhookAuthorization(username: string, password: string): string {
  return sha256Hex(`${username}:${password}`);
}

/** Constant-time comparison of two checksum strings; false for anything missing or of another length. */
export function phonePeChecksumEquals(expected: string, received: string | undefined): boolean {
  if (received === undefined || expected.length === 0) return false;
  const a = Buffer.from(expected.trim().toLowerCase(), 'utf8');
  const b = Buffer.from(received.trim().toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

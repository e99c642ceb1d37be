import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The single value of a header, looked up case-insensitively (Node lowercases incoming names; tests and other
 * callers may not). A repeated header is ambiguous and yields undefined: never pick one of two signatures.
 */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: string | undefined;
  let count = 0;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    count += values.length;
    found = values[0];
  }
  return count === 1 ? found : undefined;
}

export function hmacSha256Hex(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

/**
 * True when `signatureHex` is the hex HMAC-SHA256 of `payload` under `secret`, compared in constant time.
 * An empty secret verifies nothing: a gateway saved without one must not accept unsigned callbacks.
 */
export function verifyHmacSha256Hex(payload: string, signatureHex: string | undefined, secret: string): boolean {
  if (!secret || signatureHex === undefined || !/^[0-9a-fA-F]{64}$/.test(signatureHex.trim())) return false;
  const expected = createHmac('sha256', secret).update(payload, 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(signatureHex.trim(), 'hex'));
}

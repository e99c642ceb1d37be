import type { GatewayProviderName } from '@lsp/contracts';
import { ApiException } from '../core/http/api.exception';

type Check = (value: string) => string | null;

interface FieldSpec {
  check: Check;
  /** Secrets mask to `••••`; identifiers keep their prefix and last four characters so operators can tell them apart. */
  secret: boolean;
}

const MASK = '••••';
const nonEmpty =
  (max: number): Check =>
  (v) =>
    v.length > 0 && v.length <= max ? null : `must be a non-empty string of at most ${max} characters`;
const positiveInteger: Check = (v) => (/^[1-9][0-9]{0,3}$/.test(v) ? null : 'must be a positive integer');

/**
 * Credential shapes per provider (shared/gateways/GATEWAY_APIS.md). Razorpay key ids are `rzp_test_`/`rzp_live_`
 * plus alphanumerics: live keys carry 14, but the doc leaves the length unconfirmed (the simulator uses 13), so
 * 8–32 are accepted; the secret's format is unconfirmed too, so only presence is checked. PhonePe has two API
 * generations with different credentials: v2 (OAuth client) and v1 (merchant id + salt key/index for X-VERIFY).
 */
const SHAPES: Record<GatewayProviderName, Record<string, FieldSpec>[]> = {
  sandbox: [{}],
  razorpay: [
    {
      keyId: {
        check: (v) =>
          /^rzp_(test|live)_[A-Za-z0-9]{8,32}$/.test(v)
            ? null
            : 'must look like rzp_test_… or rzp_live_… (alphanumeric)',
        secret: false,
      },
      keySecret: { check: nonEmpty(200), secret: true },
    },
  ],
  phonepe: [
    {
      clientId: { check: nonEmpty(200), secret: false },
      clientSecret: { check: nonEmpty(500), secret: true },
      clientVersion: { check: positiveInteger, secret: false },
    },
    {
      merchantId: {
        check: (v) => (/^[A-Za-z0-9_-]{1,37}$/.test(v) ? null : 'must be 1 to 37 letters, digits, _ or -'),
        secret: false,
      },
      saltKey: { check: nonEmpty(200), secret: true },
      saltIndex: { check: positiveInteger, secret: false },
    },
  ],
};

/**
 * Validates credentials for a provider and returns them as strings, or throws a 400 naming the first bad field
 * (`credentials.keyId`). Messages never echo the submitted values.
 */
export function validateCredentials(provider: GatewayProviderName, input: unknown): Record<string, string> {
  const raw = input ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw ApiException.invalid('credentials', 'credentials must be an object');
  const given = raw as Record<string, unknown>;
  const shapes = SHAPES[provider];
  // PhonePe: the shape is chosen by its identifying field (clientId → v2, merchantId → v1).
  const shape = shapes.find((s) => Object.keys(s).some((k) => k in given && !isSecretKey(s, k))) ?? shapes[0];
  for (const key of Object.keys(given)) {
    if (!(key in shape)) {
      throw ApiException.invalid(`credentials.${key}`, `credentials.${key} is not a ${provider} credential`);
    }
  }
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(shape)) {
    const value = given[key];
    const param = `credentials.${key}`;
    if (value === undefined || value === null)
      throw ApiException.invalid(param, `${param} is required for ${provider}`);
    // Versions and salt indexes are small numbers; JSON clients may send them unquoted.
    const text = spec.check === positiveInteger && typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string') throw ApiException.invalid(param, `${param} must be a string`);
    const problem = spec.check(text);
    if (problem) throw ApiException.invalid(param, `${param} ${problem}`);
    out[key] = text;
  }
  return out;
}

function isSecretKey(shape: Record<string, FieldSpec>, key: string): boolean {
  return shape[key]?.secret ?? true;
}

/** The masked form shown on every read: never a secret, never enough of an identifier to reuse it. */
export function maskCredentials(
  provider: GatewayProviderName,
  credentials: Record<string, string>,
): Record<string, string> {
  const specs = Object.assign({}, ...SHAPES[provider]) as Record<string, FieldSpec>;
  const masked: Record<string, string> = {};
  for (const [key, value] of Object.entries(credentials)) {
    const spec = specs[key];
    if (!spec || spec.secret) masked[key] = MASK;
    else if (key === 'clientVersion' || key === 'saltIndex') masked[key] = value;
    else masked[key] = maskIdentifier(value);
  }
  return masked;
}

function maskIdentifier(value: string): string {
  const prefix = /^rzp_(test|live)_/.exec(value)?.[0] ?? '';
  const last4 = value.length - prefix.length > 8 ? value.slice(-4) : '';
  return `${prefix}${MASK}${last4}`;
}

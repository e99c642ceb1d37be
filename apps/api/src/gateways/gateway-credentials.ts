import type { GatewayProviderName } from '@lsp/contracts';
import { ApiException } from '../core/http/api.exception';

type Check = (value: string) => string | null;

interface FieldSpec {
  check: Check;
  /** Optional fields may be left out; given, they are checked like the others. */
  optional?: boolean;
  /** Secrets mask to `••••`; identifiers keep their prefix and last four characters so operators can tell them apart. */
  secret: boolean;
}

const MASK = '••••';
const nonEmpty =
  (max: number): Check =>
  (v) =>
    v.length > 0 && v.length <= max ? null : `must be a non-empty string of at most ${max} characters`;
const positiveInteger: Check = (v) => (/^[1-9][0-9]{0,3}$/.test(v) ? null : 'must be a positive integer');
// PhonePe's dashboard rules for the v2 webhook username and password (GATEWAY_APIS.md §2.2).
const webhookUsername: Check = (v) =>
  /^[A-Za-z0-9_]{5,20}$/.test(v) ? null : 'must be 5 to 20 letters, digits or _ (PhonePe dashboard rule)';
const webhookPassword: Check = (v) =>
  v.length >= 8 && v.length <= 20 && /[A-Za-z]/.test(v) && /[0-9]/.test(v)
    ? null
    : 'must be 8 to 20 characters with both letters and digits (PhonePe dashboard rule)';

/**
 * Credential shapes per provider (shared/gateways/GATEWAY_APIS.md). Razorpay key ids are `rzp_test_`/`rzp_live_`
 * plus alphanumerics: live keys carry 14, but the doc leaves the length unconfirmed (the simulator uses 13), so
 * 8–32 are accepted; the secret's format is unconfirmed too, so only presence is checked. PhonePe has two API
 * generations with different credentials, chosen by `config.mode` as the adapter does (absent = v2): v2 (OAuth
 * client, plus the webhook username/password set in PhonePe's dashboard) and v1 (merchant id + salt key/index for
 * X-VERIFY, which also signs its callbacks).
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
      webhookUsername: { check: webhookUsername, secret: false, optional: true },
      webhookPassword: { check: webhookPassword, secret: true, optional: true },
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
 * (`credentials.keyId`). Messages never echo the submitted values. `config` decides PhonePe's generation.
 */
export function validateCredentials(
  provider: GatewayProviderName,
  input: unknown,
  config: Record<string, unknown> = {},
): Record<string, string> {
  const raw = input ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw ApiException.invalid('credentials', 'credentials must be an object');
  const given = raw as Record<string, unknown>;
  const shape = provider === 'phonepe' ? phonePeShape(config, given) : SHAPES[provider][0];
  for (const key of Object.keys(given)) {
    if (!(key in shape)) {
      const kind = provider === 'phonepe' ? `PhonePe ${phonePeMode(config)}` : provider;
      throw ApiException.invalid(`credentials.${key}`, `credentials.${key} is not a ${kind} credential`);
    }
  }
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(shape)) {
    const value = given[key];
    const param = `credentials.${key}`;
    if ((value === undefined || value === null) && spec.optional) continue;
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

/** PhonePe's API generation as the adapter reads it: `config.mode` 'v1', else v2. Anything else is refused. */
export function phonePeMode(config: Record<string, unknown>): 'v1' | 'v2' {
  const mode = config['mode'];
  if (mode === undefined || mode === 'v2') return 'v2';
  if (mode === 'v1') return 'v1';
  throw ApiException.invalid('config.mode', "config.mode must be 'v2' (the default) or 'v1' for PhonePe");
}

/**
 * The shape of `config.mode`'s generation. Credentials of the other generation are refused on `config.mode`: saved,
 * they would be sent to an API that cannot take them, and every call and webhook would fail.
 */
function phonePeShape(config: Record<string, unknown>, given: Record<string, unknown>): Record<string, FieldSpec> {
  const [v2, v1] = SHAPES.phonepe;
  const mode = phonePeMode(config);
  const [shape, other] = mode === 'v1' ? [v1, v2] : [v2, v1];
  // Identified by the other generation's identifier (clientId / merchantId); any other stray key is just unknown.
  const foreign = Object.keys(other)
    .slice(0, 1)
    .find((k) => k in given && !(k in shape));
  if (foreign) {
    const hint =
      mode === 'v2'
        ? "set config.mode to 'v1' for merchantId, saltKey and saltIndex"
        : "leave config.mode unset or 'v2' for clientId, clientSecret and clientVersion";
    throw ApiException.invalid(
      'config.mode',
      `config.mode is '${mode}'${config['mode'] === undefined ? ' (the default)' : ''} but credentials.${foreign} belongs to PhonePe ${mode === 'v1' ? 'v2' : 'v1'}: ${hint}`,
    );
  }
  return shape;
}

/**
 * PhonePe v2 signs no webhook body: it sends `Authorization: SHA256(username:password)`, the pair set in its
 * dashboard. Without that pair (as credentials.webhookUsername/webhookPassword, or a `username:password` webhook
 * secret) every webhook would be refused with 401, so such a gateway cannot be saved. Other providers: no rule.
 */
export function validateWebhookAuth(
  provider: GatewayProviderName,
  config: Record<string, unknown>,
  credentials: Record<string, string>,
  webhookSecret: string | undefined,
  /** False when the secret is the saved one: a bad saved secret is then reported as missing webhook credentials. */
  secretGiven = webhookSecret !== undefined,
): void {
  if (provider !== 'phonepe' || phonePeMode(config) !== 'v2') return;
  const { webhookUsername: user, webhookPassword: pass } = credentials;
  if (user !== undefined || pass !== undefined) {
    const missing = user === undefined ? 'webhookUsername' : pass === undefined ? 'webhookPassword' : undefined;
    if (missing) {
      throw ApiException.invalid(
        `credentials.${missing}`,
        `credentials.${missing} is required with the other webhook credential for PhonePe v2`,
      );
    }
    return;
  }
  const sep = webhookSecret?.indexOf(':') ?? -1;
  if (webhookSecret === undefined || (!secretGiven && sep <= 0)) {
    throw ApiException.invalid(
      'credentials.webhookUsername',
      "credentials.webhookUsername and credentials.webhookPassword (as set in PhonePe's dashboard) are required for PhonePe v2 webhooks",
    );
  }
  const problem =
    sep <= 0
      ? 'must be the webhook username:password set in PhonePe’s dashboard for PhonePe v2'
      : (webhookUsername(webhookSecret.slice(0, sep)) ?? webhookPassword(webhookSecret.slice(sep + 1)));
  if (problem) {
    throw ApiException.invalid('webhookSecret', `webhookSecret ${sep <= 0 ? '' : 'as username:password: '}${problem}`);
  }
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

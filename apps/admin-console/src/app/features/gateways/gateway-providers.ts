import type { GatewayProviderName } from '@lsp/contracts';

/**
 * What the create/edit form asks for each provider. The credential shapes mirror the API's per-provider
 * validation (apps/api gateways/gateway-credentials.ts), which stays the authority: these patterns only catch
 * typos before a round trip, and the API's 400 is shown on the field it names either way.
 */

export interface CredentialField {
  key: string;
  label: string;
  /** Secrets are typed into password inputs; identifiers into text inputs. All are write-only. */
  secret: boolean;
  pattern?: RegExp;
  patternMessage?: string;
  hint?: string;
}

export interface ConfigField {
  key: string;
  label: string;
  kind: 'text' | 'url' | 'integer' | 'share' | 'choice';
  choices?: readonly { value: string; label: string }[];
  hint?: string;
}

export interface ProviderForm {
  label: string;
  configFields: readonly ConfigField[];
  /** PhonePe's credentials depend on the API generation chosen in `config.mode`. */
  credentialFields: (config: Record<string, string>) => readonly CredentialField[];
}

export type PhonePeMode = 'v2' | 'v1';

const POSITIVE_INTEGER = /^[1-9][0-9]{0,3}$/;

const RAZORPAY_CREDENTIALS: readonly CredentialField[] = [
  {
    key: 'keyId',
    label: 'Key id',
    secret: false,
    pattern: /^rzp_(test|live)_[A-Za-z0-9]{8,32}$/,
    patternMessage: 'Starts with rzp_test_ or rzp_live_ followed by letters and digits.',
  },
  { key: 'keySecret', label: 'Key secret', secret: true },
];

const PHONEPE_V2_CREDENTIALS: readonly CredentialField[] = [
  { key: 'clientId', label: 'Client id', secret: false },
  { key: 'clientSecret', label: 'Client secret', secret: true },
  {
    key: 'clientVersion',
    label: 'Client version',
    secret: false,
    pattern: POSITIVE_INTEGER,
    patternMessage: 'A positive whole number.',
  },
  // v2 signs no webhook body: PhonePe sends SHA256(username:password) of the pair set in its dashboard.
  {
    key: 'webhookUsername',
    label: 'Webhook username',
    secret: false,
    pattern: /^[A-Za-z0-9_]{5,20}$/,
    patternMessage: '5 to 20 letters, digits or _.',
    hint: 'As set for the webhook in PhonePe’s dashboard.',
  },
  {
    key: 'webhookPassword',
    label: 'Webhook password',
    secret: true,
    pattern: /^(?=.*[A-Za-z])(?=.*[0-9]).{8,20}$/,
    patternMessage: '8 to 20 characters with both letters and digits.',
    hint: 'As set for the webhook in PhonePe’s dashboard.',
  },
];

const PHONEPE_V1_CREDENTIALS: readonly CredentialField[] = [
  {
    key: 'merchantId',
    label: 'Merchant id',
    secret: false,
    pattern: /^[A-Za-z0-9_-]{1,37}$/,
    patternMessage: 'Up to 37 letters, digits, _ or -.',
  },
  { key: 'saltKey', label: 'Salt key', secret: true },
  {
    key: 'saltIndex',
    label: 'Salt index',
    secret: false,
    pattern: POSITIVE_INTEGER,
    patternMessage: 'A positive whole number.',
  },
];

export const PROVIDER_FORMS: Record<GatewayProviderName, ProviderForm> = {
  sandbox: {
    label: 'Sandbox (test outcomes by amount)',
    configFields: [
      {
        key: 'mode',
        label: 'Mode',
        kind: 'choice',
        choices: [
          { value: '', label: 'Up (default)' },
          { value: 'up', label: 'Up' },
          { value: 'down', label: 'Down — every call fails temporarily' },
        ],
      },
      { key: 'failureRate', label: 'Failure rate (0 to 1)', kind: 'share', hint: 'Share of calls refused.' },
      { key: 'latencyMs', label: 'Added latency (ms)', kind: 'integer' },
      { key: 'callbackDelayMs', label: 'Callback delay (ms)', kind: 'integer' },
    ],
    credentialFields: () => [],
  },
  razorpay: {
    label: 'Razorpay',
    configFields: [
      { key: 'baseUrl', label: 'API base URL', kind: 'url', hint: 'Leave blank for https://api.razorpay.com.' },
      { key: 'checkoutUrl', label: 'Checkout page URL', kind: 'url', hint: 'May contain {orderId}.' },
    ],
    credentialFields: () => RAZORPAY_CREDENTIALS,
  },
  phonepe: {
    label: 'PhonePe',
    configFields: [
      {
        key: 'mode',
        label: 'API generation',
        kind: 'choice',
        choices: [
          { value: 'v2', label: 'v2 — OAuth client (recommended)' },
          { value: 'v1', label: 'v1 — X-VERIFY salt key' },
        ],
      },
      {
        key: 'environment',
        label: 'Environment',
        kind: 'choice',
        choices: [
          { value: '', label: 'Sandbox (UAT)' },
          { value: 'production', label: 'Production' },
        ],
      },
      { key: 'baseUrl', label: 'API base URL', kind: 'url', hint: 'Leave blank for the environment’s host.' },
      { key: 'oauthBaseUrl', label: 'OAuth base URL', kind: 'url', hint: 'v2 only; blank follows the API URL.' },
    ],
    credentialFields: (config) => (phonePeMode(config) === 'v1' ? PHONEPE_V1_CREDENTIALS : PHONEPE_V2_CREDENTIALS),
  },
};

export function phonePeMode(config: Record<string, unknown>): PhonePeMode {
  return config['mode'] === 'v1' ? 'v1' : 'v2';
}

/** Every credential key any provider knows, so a form control exists for each whatever the provider chosen. */
export const ALL_CREDENTIAL_KEYS = [
  ...new Set([...RAZORPAY_CREDENTIALS, ...PHONEPE_V2_CREDENTIALS, ...PHONEPE_V1_CREDENTIALS].map((f) => f.key)),
];

export const ALL_CONFIG_KEYS = [
  ...new Set(Object.values(PROVIDER_FORMS).flatMap((p) => p.configFields.map((f) => `${f.key}`))),
];

/**
 * The form's text inputs as the API's `config`: numbers as numbers, blanks left out. Keys the form does not
 * know are kept from the existing config so an edit never drops a setting set through the API.
 */
export function buildConfig(
  provider: GatewayProviderName,
  values: Record<string, string>,
  existing: Record<string, unknown> = {},
): Record<string, unknown> {
  const fields = PROVIDER_FORMS[provider].configFields;
  const known = new Set(fields.map((f) => f.key));
  const config: Record<string, unknown> = Object.fromEntries(Object.entries(existing).filter(([k]) => !known.has(k)));
  for (const field of fields) {
    const raw = (values[field.key] ?? '').trim();
    if (raw === '') {
      continue;
    }
    config[field.key] = field.kind === 'integer' || field.kind === 'share' ? Number(raw) : raw;
  }
  return config;
}

/** A config value as the form shows it (config is not secret, so an edit starts from the saved values). */
export function configInputValue(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

export function configFieldProblem(field: ConfigField, raw: string): string | null {
  const value = raw.trim();
  if (value === '') {
    return null;
  }
  switch (field.kind) {
    case 'integer':
      return /^\d{1,6}$/.test(value) && Number(value) <= 600_000 ? null : 'A whole number from 0 to 600000.';
    case 'share':
      return /^(0(\.\d+)?|1(\.0+)?)$/.test(value) ? null : 'A number from 0 to 1.';
    case 'url':
      return /^https?:\/\/\S+$/.test(value) ? null : 'An http(s) URL.';
    case 'choice':
      return field.choices?.some((c) => c.value === value) ? null : 'Pick one of the options.';
    case 'text':
      return null;
  }
}

export const REDACTED = '[redacted]';

/*
 * Field names that hold a secret or personal data anywhere in a job payload (a payment snapshot in an event,
 * credentials in a future gateway job…). Matched on the name with separators removed and lower-cased, so
 * `api_key`, `apiKey` and `API-Key` are one name. Ids and amounts are kept: they are what an operator needs.
 */
const SENSITIVE = [
  'secret',
  'password',
  'passwd',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'signature',
  'credential',
  'privatekey',
  'cvv',
  'cvc',
  'cardnumber',
  'pan',
  'expiry',
  'email',
  'phone',
  'mobile',
  'vpa',
  'upiid',
  'accountnumber',
  'ifsc',
  'address',
  'customer',
  'firstname',
  'lastname',
  'fullname',
  'dob',
  'ip',
];

function isSensitive(key: string): boolean {
  const name = key.replace(/[^a-z0-9]/gi, '').toLowerCase();
  return SENSITIVE.some((word) => (word.length <= 3 ? name === word : name.includes(word)));
}

/** A deep copy of `value` with every sensitive field replaced, however deep; strings that look like keys too. */
export function redactJobData(value: unknown, depth = 0): unknown {
  if (depth > 20) return REDACTED;
  if (typeof value === 'string') return /^(lsp_(test|live)_|Bearer\s)/.test(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map((v) => redactJobData(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        isSensitive(k) && v !== null && v !== undefined ? REDACTED : redactJobData(v, depth + 1),
      ]),
    );
  }
  return value;
}

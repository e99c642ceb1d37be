/**
 * Prefixed, time-sortable identifiers (`mer_01J…`). The body is a ULID: 48 bits of milliseconds then 80 random
 * bits in Crockford base32, so lexical order is creation order. Lists rely on that: "newest first" is
 * `ORDER BY id DESC` and the cursor `startingAfter=<id>` is simply `id < cursor`.
 */
export const ID_PREFIXES = {
  merchant: 'mer',
  payment: 'pay',
  attempt: 'att',
  refund: 'rfd',
  event: 'evt',
  webhookEndpoint: 'whe',
  webhookDelivery: 'whd',
  webhookAttempt: 'wha',
  gateway: 'gw',
  settlement: 'stl',
  apiKey: 'key',
  user: 'usr',
  alert: 'alr',
  auditLog: 'aud',
  refreshToken: 'rtk',
  session: 'ses',
  check: 'chk',
  // Ledger: journals and their entries, commission rules.
  journal: 'jnl',
  ledgerEntry: 'ent',
  commissionRule: 'cmr',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export type RandomBytes = (size: number) => Uint8Array;

const defaultRandom: RandomBytes = (size) => {
  const out = new Uint8Array(size);
  globalThis.crypto.getRandomValues(out);
  return out;
};

export function ulid(now: number = Date.now(), random: RandomBytes = defaultRandom): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  // 80 random bits = 16 base32 characters; take 5 bits from each of 16 bytes' worth of entropy.
  const bytes = random(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i] % 32];
  return time + rand;
}

export function newId(kind: IdKind, now?: number): string {
  return `${ID_PREFIXES[kind]}_${ulid(now)}`;
}

/** True when `value` is a well-formed id of that kind (shape only; says nothing about existence). */
export function isId(kind: IdKind, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const prefix = `${ID_PREFIXES[kind]}_`;
  return value.startsWith(prefix) && ULID_RE.test(value.slice(prefix.length));
}

/** Milliseconds since the epoch encoded in an id, for ids made by `newId`. */
export function idTimestamp(id: string): number {
  const body = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  let t = 0;
  for (const ch of body) t = t * 32 + CROCKFORD.indexOf(ch);
  return t;
}

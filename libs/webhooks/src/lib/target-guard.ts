import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * SSRF guard for merchant webhook URLs: a merchant must not make our workers call our own network (loopback,
 * private ranges, link-local — which holds cloud metadata at 169.254.169.254 — carrier NAT, multicast, reserved).
 * Checked at registration and again on the address a delivery actually connects to, since DNS can change (or be
 * made to change) between the two.
 */
const BLOCKED_V4: [number, number][] = [
  cidr4('0.0.0.0', 8),
  cidr4('10.0.0.0', 8),
  cidr4('100.64.0.0', 10),
  cidr4('127.0.0.0', 8),
  cidr4('169.254.0.0', 16),
  cidr4('172.16.0.0', 12),
  cidr4('192.0.0.0', 24),
  cidr4('192.0.2.0', 24),
  cidr4('192.168.0.0', 16),
  cidr4('198.18.0.0', 15),
  cidr4('198.51.100.0', 24),
  cidr4('203.0.113.0', 24),
  cidr4('224.0.0.0', 4),
  cidr4('240.0.0.0', 4),
];

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function cidr4(base: string, bits: number): [number, number] {
  const size = 2 ** (32 - bits);
  const start = ipv4ToInt(base);
  return [start, start + size - 1];
}

function isPublicV4(ip: string): boolean {
  const n = ipv4ToInt(ip);
  return !BLOCKED_V4.some(([lo, hi]) => n >= lo && n <= hi);
}

/** Expands an IPv6 literal into its eight 16-bit groups (handles `::` and an embedded IPv4 tail). */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase().split('%')[0];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToInt(v4[1]);
    text = text.slice(0, -v4[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (s: string | undefined): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  const fill = tail === undefined ? [] : new Array<number>(8 - h.length - t.length).fill(0);
  return [...h, ...fill, ...t];
}

function isPublicV6(ip: string): boolean {
  const g = ipv6Groups(ip);
  if (g.length !== 8) return false;
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible: judge the IPv4 address inside.
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) {
    const v4 = `${g[6] >> 8}.${g[6] & 0xff}.${g[7] >> 8}.${g[7] & 0xff}`;
    if (g[5] === 0xffff || g[6] !== 0 || g[7] > 1) return isPublicV4(v4);
    return false; // :: and ::1
  }
  if ((g[0] & 0xfe00) === 0xfc00) return false; // unique local fc00::/7
  if ((g[0] & 0xffc0) === 0xfe80) return false; // link-local fe80::/10
  if ((g[0] & 0xff00) === 0xff00) return false; // multicast
  if (g[0] === 0x2001 && g[1] === 0x0db8) return false; // documentation
  if (g[0] === 0x64 && g[1] === 0xff9b) return false; // NAT64 can reach IPv4 private space
  if (g[0] === 0x2002) return false; // 6to4 embeds arbitrary IPv4
  return true;
}

/** True for an address the open internet could route to us from a merchant's server. */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return isPublicV4(ip);
  if (family === 6) return isPublicV6(ip);
  return false;
}

export interface TargetPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: development and tests post to local receivers. */
  allowPrivate: boolean;
  /** Production accepts https only. */
  requireHttps: boolean;
}

export type TargetProblem = { code: 'url_invalid' | 'url_insecure' | 'url_private'; message: string };

const BLOCKED_HOSTNAMES = /^(localhost|.*\.localhost|.*\.local|.*\.internal|metadata\.google\.internal)$/i;

/**
 * What is wrong with a webhook URL before any DNS lookup, or null. A hostname is judged again on its resolved
 * addresses (`resolvedAddressProblem`) at registration and at every delivery.
 */
export function urlProblem(raw: string, policy: TargetPolicy): TargetProblem | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { code: 'url_invalid', message: 'url must be an absolute http(s) URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { code: 'url_invalid', message: 'url must use https (or http outside production)' };
  }
  if (policy.requireHttps && url.protocol !== 'https:') {
    return { code: 'url_insecure', message: 'url must use https' };
  }
  if (url.username || url.password) {
    return { code: 'url_invalid', message: 'url must not carry credentials' };
  }
  if (raw.length > 2048) return { code: 'url_invalid', message: 'url must be at most 2048 characters' };
  if (policy.allowPrivate) return null;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) {
    return isPublicAddress(host)
      ? null
      : { code: 'url_private', message: 'url must not point at a loopback, private, link-local or metadata address' };
  }
  if (BLOCKED_HOSTNAMES.test(host) || !host.includes('.')) {
    return { code: 'url_private', message: 'url must name a public host' };
  }
  return null;
}

export function resolvedAddressProblem(addresses: readonly string[], policy: TargetPolicy): TargetProblem | null {
  if (policy.allowPrivate) return null;
  const blocked = addresses.find((a) => !isPublicAddress(a));
  return blocked
    ? { code: 'url_private', message: 'url resolves to a loopback, private, link-local or metadata address' }
    : null;
}

export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/** Every address a host name resolves to. Injectable where DNS is consulted, so tests can make a name resolve anywhere. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, as Node's HTTP client would use), all addresses. */
export const resolveHost: ResolveHost = (hostname) => lookup(hostname, { all: true });

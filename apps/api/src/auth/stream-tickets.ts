import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ROLES, type Role, type StreamTicketResponse } from '@lsp/contracts';
import { type AppConfig, redisKey } from '@lsp/platform';
import { APP_CONFIG, REDIS } from '../core/infra/tokens';
import type { Principal } from './principal';

export const STREAM_TICKET_TTL_SECONDS = 60;
// 32 random bytes, base64url: 43 characters.
const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Single-use stream tickets (API.md §10). `EventSource` cannot send an Authorization header, and a long-lived
 * token must never travel in a URL (logs, history, Referer), so an authenticated client trades its credential for a
 * ticket that opens one stream within 60 s. Redeeming is GETDEL: of any number of concurrent uses exactly one wins,
 * on any API replica.
 */
@Injectable()
export class StreamTickets {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(principal: Principal): Promise<StreamTicketResponse> {
    const ticket = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(ticket), JSON.stringify(principal), 'EX', STREAM_TICKET_TTL_SECONDS, 'NX');
    return { ticket, expiresIn: STREAM_TICKET_TTL_SECONDS };
  }

  /** The principal the ticket was issued to, once; null for an unknown, used, expired or malformed ticket. */
  async redeem(ticket: string): Promise<Principal | null> {
    if (!TICKET_PATTERN.test(ticket)) return null;
    const stored = await this.redis.getdel(this.key(ticket));
    return stored ? parsePrincipal(stored) : null;
  }

  private key(ticket: string): string {
    return redisKey(this.config, 'stream-ticket', ticket);
  }
}

/** Rebuilt field by field: only what a principal has leaves Redis, whatever the stored JSON holds. */
function parsePrincipal(text: string): Principal | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const p = value as Record<string, unknown>;
  const { kind, userId, email, roles, merchantId, sessionId, keyId, mode } = p;
  const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  if (
    kind === 'user' &&
    str(userId) &&
    str(email) &&
    Array.isArray(roles) &&
    (merchantId === null || str(merchantId)) &&
    str(sessionId)
  ) {
    return {
      kind: 'user',
      userId,
      email,
      roles: roles.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)),
      merchantId: str(merchantId) ? merchantId : null,
      sessionId,
    };
  }
  if (kind === 'api_key' && str(keyId) && str(merchantId) && (mode === 'test' || mode === 'live')) {
    return { kind: 'api_key', keyId, merchantId, mode };
  }
  return null;
}

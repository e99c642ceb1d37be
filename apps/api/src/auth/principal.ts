import type { Role } from '@lsp/contracts';
import { type Scope, PLATFORM, merchantScope } from '@lsp/persistence';

/** Who is calling: a console user (JWT) or a merchant's server (API key). */
export type Principal =
  | { kind: 'user'; userId: string; email: string; roles: Role[]; merchantId: string | null; sessionId: string }
  | { kind: 'api_key'; keyId: string; merchantId: string; mode: 'test' | 'live' };

/** Staff see every merchant's rows; a merchant's user or key only its own (enforced again by RLS). */
export function scopeOf(principal: Principal): Scope {
  if (principal.kind === 'api_key') return merchantScope(principal.merchantId);
  return principal.merchantId ? merchantScope(principal.merchantId) : PLATFORM;
}

/** Who did it, for the audit log. */
export interface Actor {
  actorId: string | null;
  actorEmail: string | null;
  requestId: string | null;
  ip: string | null;
}

export function actorOf(principal: Principal | undefined, requestId: string, ip: string): Actor {
  if (!principal) return { actorId: null, actorEmail: null, requestId, ip };
  return principal.kind === 'user'
    ? { actorId: principal.userId, actorEmail: principal.email, requestId, ip }
    : { actorId: principal.keyId, actorEmail: null, requestId, ip };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

import type { Role } from '@lsp/contracts';
import type { StreamName } from '@lsp/queues';
import type { Principal } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';

export interface StreamAccess {
  /** Console roles that see every merchant's messages on the stream. */
  staff: readonly Role[];
  /** Whether a merchant (API key or `merchant` user) may open it, to see only messages about itself. */
  merchants: boolean;
}

/**
 * Who may open which stream. Operations internals (gateways, queues, workers, system) are for admins and SREs;
 * money streams are also finance's; alerts are read by finance too, since wallet and reconciliation alerts are
 * theirs to act on. A merchant sees its own payments and settlements and nothing of the platform.
 */
export const STREAM_ACCESS: Readonly<Record<StreamName, StreamAccess>> = {
  transactions: { staff: ['admin', 'finance', 'sre'], merchants: true },
  settlements: { staff: ['admin', 'finance', 'sre'], merchants: true },
  alerts: { staff: ['admin', 'finance', 'sre'], merchants: false },
  'gateway-health': { staff: ['admin', 'sre'], merchants: false },
  'queue-stats': { staff: ['admin', 'sre'], merchants: false },
  'worker-health': { staff: ['admin', 'sre'], merchants: false },
  'system-status': { staff: ['admin', 'sre'], merchants: false },
};

/** Every role that may open some stream (the route's guard rule); the per-stream check is `streamAudience`. */
export const ANY_STREAM_STAFF: Role[] = ['admin', 'finance', 'sre'];

/**
 * What the principal sees on the stream: every merchant (`null`) or one merchant's messages. Throws 403 when the
 * principal may not open it. Staff roles win over a merchant binding, as in `scopeOf`.
 */
export function streamAudience(stream: StreamName, principal: Principal): { merchantId: string | null } {
  const access = STREAM_ACCESS[stream];
  if (principal.kind === 'user' && principal.roles.some((r) => access.staff.includes(r)) && !principal.merchantId) {
    return { merchantId: null };
  }
  const merchantId =
    principal.kind === 'api_key'
      ? principal.merchantId
      : principal.roles.includes('merchant')
        ? principal.merchantId
        : null;
  if (access.merchants && merchantId) return { merchantId };
  throw ApiException.forbidden(`Your role may not open the ${stream} stream`);
}

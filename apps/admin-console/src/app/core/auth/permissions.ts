import { ROLES, type Role } from '@lsp/contracts';

/**
 * What each role may open or do in the console. Navigation, route guards and buttons all read this one
 * table, so a menu entry can never point at a page its guard refuses. The API enforces the same rules; this
 * only keeps the UI honest.
 */
export const PERMISSIONS = {
  viewOverview: ROLES,
  viewMerchants: ['admin', 'finance', 'sre'],
  manageMerchants: ['admin'],
  viewAuditLog: ['admin', 'finance', 'sre'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function hasAnyRole(userRoles: readonly Role[], allowed: readonly Role[]): boolean {
  return userRoles.some((role) => allowed.includes(role));
}

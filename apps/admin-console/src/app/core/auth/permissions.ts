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
  /** Merchant users see their own merchant's payments; the other roles see every merchant's. */
  viewTransactions: ROLES,
  /** Staff read payments through `/admin/payments` across merchants (and may filter by merchant). */
  viewAllMerchantsPayments: ['admin', 'finance', 'sre'],
  /** `sre` investigates payments but does not move money. */
  refundPayments: ['admin', 'finance', 'merchant'],
  /** `sre` watches gateway health; only admins change gateways (API.md §6). */
  viewGateways: ['admin', 'sre'],
  manageGateways: ['admin'],
  /** Operations (API.md §10): finance watches the business figures; queues, workers and alerts are for SREs. */
  viewDashboard: ['admin', 'finance', 'sre'],
  viewOperations: ['admin', 'sre'],
  manageQueues: ['admin', 'sre'],
  manageAlerts: ['admin', 'sre'],
  // Finance pages (issue 5). Merchant users see their own wallet and settlements; `sre` sees no money.
  viewWallets: ['admin', 'finance', 'merchant'],
  viewSettlements: ['admin', 'finance', 'merchant'],
  /** Every merchant's wallets and settlements, and on-demand settlement runs. */
  manageFinance: ['admin', 'finance'],
  viewCommissionRules: ['admin', 'finance'],
  viewLedger: ['admin', 'finance'],
  /** Developer area: a merchant's own; admins and `sre` pick any merchant (the API lets `sre` only read). */
  viewDeveloper: ['admin', 'sre', 'merchant'],
  manageWebhooks: ['admin', 'merchant'],
  revokeApiKeys: ['admin', 'merchant'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function hasAnyRole(userRoles: readonly Role[], allowed: readonly Role[]): boolean {
  return userRoles.some((role) => allowed.includes(role));
}

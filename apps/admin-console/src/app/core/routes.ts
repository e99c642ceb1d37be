/**
 * Route paths, defined once. `ROUTE_PATHS` are the segments used in route configs; `ROUTE_URLS` are the
 * absolute URLs used in links and redirects.
 */
export const ROUTE_PATHS = {
  login: 'login',
  home: '',
  merchants: 'merchants',
  auditLog: 'audit-log',
  transactions: 'transactions',
  gateways: 'gateways',
  dashboard: 'dashboard',
  monitoring: 'monitoring',
  queues: 'queues',
  alerts: 'alerts',
  systemStatus: 'system-status',
  // Finance pages (issue 5).
  wallets: 'wallets',
  settlements: 'settlements',
  commissionRules: 'commission-rules',
  ledger: 'ledger',
  developer: 'developer',
} as const;

export const ROUTE_URLS = {
  login: '/login',
  home: '/',
  merchants: '/merchants',
  auditLog: '/audit-log',
  transactions: '/transactions',
  gateways: '/gateways',
  dashboard: '/dashboard',
  monitoring: '/monitoring',
  queues: '/queues',
  alerts: '/alerts',
  systemStatus: '/system-status',
  // Finance pages (issue 5).
  wallets: '/wallets',
  settlements: '/settlements',
  commissionRules: '/commission-rules',
  ledger: '/ledger',
  developer: '/developer',
} as const;

/** Only same-app absolute paths are accepted as a post-login destination (no open redirects). */
export function safeReturnUrl(candidate: string | null | undefined): string {
  if (!candidate || !candidate.startsWith('/') || candidate.startsWith('//')) {
    return ROUTE_URLS.home;
  }
  if (candidate.startsWith(ROUTE_URLS.login)) {
    return ROUTE_URLS.home;
  }
  return candidate;
}

import { type Permission } from '../auth/permissions';
import { ROUTE_URLS } from '../routes';

export interface NavItem {
  label: string;
  url: string;
  /** The permission the target route's guard checks. */
  permission: Permission;
  testId: string;
  /** Home must not stay highlighted on every page. */
  exact: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  {
    label: 'Overview',
    url: ROUTE_URLS.home,
    permission: 'viewOverview',
    testId: 'nav-home',
    exact: true,
  },
  {
    label: 'Transactions',
    url: ROUTE_URLS.transactions,
    permission: 'viewTransactions',
    testId: 'nav-transactions',
    exact: false,
  },
  {
    label: 'Merchants',
    url: ROUTE_URLS.merchants,
    permission: 'viewMerchants',
    testId: 'nav-merchants',
    exact: false,
  },
  {
    label: 'Gateways',
    url: ROUTE_URLS.gateways,
    permission: 'viewGateways',
    testId: 'nav-gateways',
    exact: false,
  },
  {
    label: 'Audit log',
    url: ROUTE_URLS.auditLog,
    permission: 'viewAuditLog',
    testId: 'nav-audit-log',
    exact: false,
  },
  { label: 'Dashboard', url: ROUTE_URLS.dashboard, permission: 'viewDashboard', testId: 'nav-dashboard', exact: false },
  {
    label: 'Monitoring',
    url: ROUTE_URLS.monitoring,
    permission: 'viewOperations',
    testId: 'nav-monitoring',
    exact: false,
  },
  { label: 'Queues', url: ROUTE_URLS.queues, permission: 'viewOperations', testId: 'nav-queues', exact: false },
  { label: 'Alerts', url: ROUTE_URLS.alerts, permission: 'viewOperations', testId: 'nav-alerts', exact: false },
  {
    label: 'System status',
    url: ROUTE_URLS.systemStatus,
    permission: 'viewOperations',
    testId: 'nav-system-status',
    exact: false,
  },
  // Finance pages (issue 5).
  { label: 'Wallets', url: ROUTE_URLS.wallets, permission: 'viewWallets', testId: 'nav-wallets', exact: false },
  {
    label: 'Settlements',
    url: ROUTE_URLS.settlements,
    permission: 'viewSettlements',
    testId: 'nav-settlements',
    exact: false,
  },
  {
    label: 'Commission rules',
    url: ROUTE_URLS.commissionRules,
    permission: 'viewCommissionRules',
    testId: 'nav-commission-rules',
    exact: false,
  },
  { label: 'Books', url: ROUTE_URLS.ledger, permission: 'viewLedger', testId: 'nav-ledger', exact: false },
  {
    label: 'Developers',
    url: ROUTE_URLS.developer,
    permission: 'viewDeveloper',
    testId: 'nav-developer',
    exact: false,
  },
];

import type { Route } from '@angular/router';
import { authGuard, guestGuard, roleGuard } from './core/auth/auth.guards';
import { PERMISSIONS } from './core/auth/permissions';
import { Shell } from './core/layout/shell';
import { ROUTE_PATHS } from './core/routes';

export const appRoutes: Route[] = [
  {
    path: ROUTE_PATHS.login,
    title: 'Sign in · LightSpeedPay',
    canMatch: [guestGuard],
    loadComponent: () => import('./features/auth/login-page').then((m) => m.LoginPage),
  },
  {
    path: '',
    component: Shell,
    canMatch: [authGuard],
    children: [
      {
        path: ROUTE_PATHS.home,
        pathMatch: 'full',
        loadChildren: () => import('./features/home/home.routes').then((m) => m.HOME_ROUTES),
      },
      {
        path: ROUTE_PATHS.transactions,
        canMatch: [roleGuard(PERMISSIONS.viewTransactions)],
        loadChildren: () => import('./features/transactions/transactions.routes').then((m) => m.TRANSACTIONS_ROUTES),
      },
      {
        path: ROUTE_PATHS.merchants,
        canMatch: [roleGuard(PERMISSIONS.viewMerchants)],
        loadChildren: () => import('./features/merchants/merchants.routes').then((m) => m.MERCHANTS_ROUTES),
      },
      {
        path: ROUTE_PATHS.gateways,
        canMatch: [roleGuard(PERMISSIONS.viewGateways)],
        loadChildren: () => import('./features/gateways/gateways.routes').then((m) => m.GATEWAYS_ROUTES),
      },
      {
        path: ROUTE_PATHS.auditLog,
        canMatch: [roleGuard(PERMISSIONS.viewAuditLog)],
        loadChildren: () => import('./features/audit/audit.routes').then((m) => m.AUDIT_ROUTES),
      },
      {
        path: ROUTE_PATHS.dashboard,
        canMatch: [roleGuard(PERMISSIONS.viewDashboard)],
        loadChildren: () => import('./features/dashboard/dashboard.routes').then((m) => m.DASHBOARD_ROUTES),
      },
      {
        path: ROUTE_PATHS.monitoring,
        canMatch: [roleGuard(PERMISSIONS.viewOperations)],
        loadChildren: () => import('./features/monitoring/monitoring.routes').then((m) => m.MONITORING_ROUTES),
      },
      {
        path: ROUTE_PATHS.queues,
        canMatch: [roleGuard(PERMISSIONS.viewOperations)],
        loadChildren: () => import('./features/queues/queues.routes').then((m) => m.QUEUES_ROUTES),
      },
      {
        path: ROUTE_PATHS.alerts,
        canMatch: [roleGuard(PERMISSIONS.viewOperations)],
        loadChildren: () => import('./features/alerts/alerts.routes').then((m) => m.ALERTS_ROUTES),
      },
      {
        path: ROUTE_PATHS.systemStatus,
        canMatch: [roleGuard(PERMISSIONS.viewOperations)],
        loadChildren: () => import('./features/system-status/system-status.routes').then((m) => m.SYSTEM_STATUS_ROUTES),
      },
      // Finance pages (issue 5).
      {
        path: ROUTE_PATHS.wallets,
        canMatch: [roleGuard(PERMISSIONS.viewWallets)],
        loadChildren: () => import('./features/wallets/wallets.routes').then((m) => m.WALLETS_ROUTES),
      },
      {
        path: ROUTE_PATHS.settlements,
        canMatch: [roleGuard(PERMISSIONS.viewSettlements)],
        loadChildren: () => import('./features/settlements/settlements.routes').then((m) => m.SETTLEMENTS_ROUTES),
      },
      {
        path: ROUTE_PATHS.commissionRules,
        canMatch: [roleGuard(PERMISSIONS.viewCommissionRules)],
        loadChildren: () => import('./features/ledger/ledger.routes').then((m) => m.COMMISSION_RULES_ROUTES),
      },
      {
        path: ROUTE_PATHS.ledger,
        canMatch: [roleGuard(PERMISSIONS.viewLedger)],
        loadChildren: () => import('./features/ledger/ledger.routes').then((m) => m.LEDGER_ROUTES),
      },
      {
        path: ROUTE_PATHS.developer,
        canMatch: [roleGuard(PERMISSIONS.viewDeveloper)],
        loadChildren: () => import('./features/developer/developer.routes').then((m) => m.DEVELOPER_ROUTES),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];

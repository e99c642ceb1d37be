import type { Routes } from '@angular/router';
import { roleGuard } from '../../core/auth/auth.guards';
import { PERMISSIONS } from '../../core/auth/permissions';

export const WALLETS_ROUTES: Routes = [
  {
    path: '',
    title: 'Wallets · LightSpeedPay',
    loadComponent: () => import('./wallets-page').then((m) => m.WalletsPage),
  },
  {
    // Another merchant's statement: finance and admins only (a merchant user's own is at the list URL).
    path: ':merchantId',
    title: 'Wallet statement · LightSpeedPay',
    canMatch: [roleGuard(PERMISSIONS.manageFinance)],
    loadComponent: () => import('./wallet-detail-page').then((m) => m.WalletDetailPage),
  },
];

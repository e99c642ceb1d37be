import type { Routes } from '@angular/router';

export const WALLETS_ROUTES: Routes = [
  {
    path: '',
    title: 'Wallets · LightSpeedPay',
    loadComponent: () => import('./wallets-page').then((m) => m.WalletsPage),
  },
  {
    path: ':merchantId',
    title: 'Wallet statement · LightSpeedPay',
    loadComponent: () => import('./wallet-detail-page').then((m) => m.WalletDetailPage),
  },
];

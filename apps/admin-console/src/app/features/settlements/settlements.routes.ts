import type { Routes } from '@angular/router';

export const SETTLEMENTS_ROUTES: Routes = [
  {
    path: '',
    title: 'Settlements · LightSpeedPay',
    loadComponent: () => import('./settlements-page').then((m) => m.SettlementsPage),
  },
  {
    path: ':settlementId',
    title: 'Settlement · LightSpeedPay',
    loadComponent: () => import('./settlement-detail-page').then((m) => m.SettlementDetailPage),
  },
];

import type { Routes } from '@angular/router';

export const MERCHANTS_ROUTES: Routes = [
  {
    path: '',
    title: 'Merchants · LightSpeedPay',
    loadComponent: () => import('./merchants-page').then((m) => m.MerchantsPage),
  },
];

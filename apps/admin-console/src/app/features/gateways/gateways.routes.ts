import type { Routes } from '@angular/router';

export const GATEWAYS_ROUTES: Routes = [
  {
    path: '',
    title: 'Gateways · LightSpeedPay',
    loadComponent: () => import('./gateways-page').then((m) => m.GatewaysPage),
  },
];

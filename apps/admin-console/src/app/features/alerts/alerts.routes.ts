import type { Routes } from '@angular/router';

export const ALERTS_ROUTES: Routes = [
  {
    path: '',
    title: 'Alerts · LightSpeedPay',
    loadComponent: () => import('./alerts-page').then((m) => m.AlertsPage),
  },
];

import type { Routes } from '@angular/router';

export const DASHBOARD_ROUTES: Routes = [
  {
    path: '',
    title: 'Dashboard · LightSpeedPay',
    loadComponent: () => import('./dashboard-page').then((m) => m.DashboardPage),
  },
];

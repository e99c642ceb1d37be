import type { Routes } from '@angular/router';

export const SYSTEM_STATUS_ROUTES: Routes = [
  {
    path: '',
    title: 'System status · LightSpeedPay',
    loadComponent: () => import('./system-status-page').then((m) => m.SystemStatusPage),
  },
];

import type { Routes } from '@angular/router';

export const MONITORING_ROUTES: Routes = [
  {
    path: '',
    title: 'Monitoring · LightSpeedPay',
    loadComponent: () => import('./monitoring-page').then((m) => m.MonitoringPage),
  },
];

import type { Routes } from '@angular/router';

export const QUEUES_ROUTES: Routes = [
  {
    path: '',
    title: 'Queues · LightSpeedPay',
    loadComponent: () => import('./queues-page').then((m) => m.QueuesPage),
  },
];

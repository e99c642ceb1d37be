import type { Routes } from '@angular/router';

export const DEVELOPER_ROUTES: Routes = [
  {
    path: '',
    title: 'Developers · LightSpeedPay',
    loadComponent: () => import('./developer-page').then((m) => m.DeveloperPage),
  },
];

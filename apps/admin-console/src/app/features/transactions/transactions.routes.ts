import type { Routes } from '@angular/router';

export const TRANSACTIONS_ROUTES: Routes = [
  {
    path: '',
    title: 'Transactions · LightSpeedPay',
    loadComponent: () => import('./transactions-page').then((m) => m.TransactionsPage),
  },
];

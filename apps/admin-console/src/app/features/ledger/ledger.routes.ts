import type { Routes } from '@angular/router';

export const COMMISSION_RULES_ROUTES: Routes = [
  {
    path: '',
    title: 'Commission rules · LightSpeedPay',
    loadComponent: () => import('./commission-rules-page').then((m) => m.CommissionRulesPage),
  },
];

export const LEDGER_ROUTES: Routes = [
  {
    path: '',
    title: 'Books · LightSpeedPay',
    loadComponent: () => import('./books-page').then((m) => m.BooksPage),
  },
];

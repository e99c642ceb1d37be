import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ROUTE_URLS } from '../../core/routes';
import { WalletStatement } from './wallet-statement';

/** Finance's view of one merchant's wallet and statement (`/wallets/:merchantId`). */
@Component({
  selector: 'app-wallet-detail-page',
  imports: [RouterLink, WalletStatement],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header class="page-header">
      <div>
        <a [routerLink]="walletsUrl" class="cell-sub" data-testid="wallet-back">← All wallets</a>
        <h1>Wallet statement</h1>
        <p class="page-subtitle">
          <code data-testid="wallet-merchant-id">{{ merchantId() }}</code>
        </p>
      </div>
    </header>
    <app-wallet-statement [merchantId]="merchantId()" />
  `,
})
export class WalletDetailPage {
  /** Bound from the route parameter. */
  readonly merchantId = input.required<string>();
  protected readonly walletsUrl = ROUTE_URLS.wallets;
}

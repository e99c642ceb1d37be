import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject } from '@angular/core';
import type { ListResponse, StatementLine, WalletAccountKind, WalletView } from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL, PAGE_SIZE } from '../../core/api/api-config';
import { AuthService } from '../../core/auth/auth.service';
import { silentErrors } from '../../core/errors/error-context';
import { toHttpParams } from '../../shared/data/http-params';

export interface StatementQuery {
  currency?: string;
  account?: WalletAccountKind;
  from?: string;
  to?: string;
  startingAfter?: string;
  limit?: number;
}

/**
 * Wallets (API.md §7). Finance and admins read any merchant's under `/admin/wallets`; a merchant user reads its
 * own under `/merchant/wallet`, so a `null` merchant id means "mine". Errors are shown by the pages.
 */
@Injectable({ providedIn: 'root' })
export class WalletsApiService {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthService);
  private readonly baseUrl = inject(API_BASE_URL);

  readonly staffView = computed(() => this.auth.can('manageFinance'));

  list(query: { startingAfter?: string; limit?: number }): Observable<ListResponse<WalletView>> {
    return this.http.get<ListResponse<WalletView>>(`${this.baseUrl}/admin/wallets`, {
      params: toHttpParams({ limit: query.limit ?? PAGE_SIZE, startingAfter: query.startingAfter }),
      context: silentErrors(),
    });
  }

  get(merchantId: string | null): Observable<WalletView> {
    return this.http.get<WalletView>(this.walletUrl(merchantId), { context: silentErrors() });
  }

  statement(merchantId: string | null, query: StatementQuery): Observable<ListResponse<StatementLine>> {
    return this.http.get<ListResponse<StatementLine>>(`${this.walletUrl(merchantId)}/statement`, {
      params: toHttpParams({
        currency: query.currency,
        account: query.account,
        from: query.from,
        to: query.to,
        limit: query.limit ?? PAGE_SIZE,
        startingAfter: query.startingAfter,
      }),
      context: silentErrors(),
    });
  }

  private walletUrl(merchantId: string | null): string {
    return merchantId === null
      ? `${this.baseUrl}/merchant/wallet`
      : `${this.baseUrl}/admin/wallets/${encodeURIComponent(merchantId)}`;
  }
}

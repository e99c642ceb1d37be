import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  CommissionPreview,
  CommissionPreviewRequest,
  CommissionRuleInput,
  CommissionRuleSetView,
  ReconciliationReportView,
  TrialBalanceView,
} from '@lsp/contracts';
import type { Observable } from 'rxjs';
import { API_BASE_URL } from '../../core/api/api-config';
import { silentErrors } from '../../core/errors/error-context';
import { toHttpParams } from '../../shared/data/http-params';

/** The books (API.md §7): commission rules, trial balance, reconciliation. Finance and admins only. */
@Injectable({ providedIn: 'root' })
export class LedgerApiService {
  private readonly http = inject(HttpClient);
  private readonly baseUrl = inject(API_BASE_URL);

  /** The current rule set, or a past `version`. */
  commissionRules(version?: number): Observable<CommissionRuleSetView> {
    return this.http.get<CommissionRuleSetView>(`${this.baseUrl}/admin/commission-rules`, {
      params: toHttpParams({ version }),
      context: silentErrors(),
    });
  }

  /** Replaces the whole set; the API stores it as the next version (audited). */
  saveCommissionRules(rules: CommissionRuleInput[]): Observable<CommissionRuleSetView> {
    return this.http.put<CommissionRuleSetView>(
      `${this.baseUrl}/admin/commission-rules`,
      { rules },
      { context: silentErrors() },
    );
  }

  previewCommission(request: CommissionPreviewRequest): Observable<CommissionPreview> {
    return this.http.post<CommissionPreview>(`${this.baseUrl}/admin/commission-rules/preview`, request, {
      context: silentErrors(),
    });
  }

  trialBalance(): Observable<TrialBalanceView> {
    return this.http.get<TrialBalanceView>(`${this.baseUrl}/admin/ledger/trial-balance`, { context: silentErrors() });
  }

  /** The nightly job's latest run; with `live`, every check run now as well. */
  reconciliation(live: boolean): Observable<ReconciliationReportView> {
    return this.http.get<ReconciliationReportView>(`${this.baseUrl}/admin/ledger/reconciliation`, {
      params: toHttpParams({ live: live ? 'true' : undefined }),
      context: silentErrors(),
    });
  }
}

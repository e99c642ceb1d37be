import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import type {
  CommissionPreview,
  CommissionPreviewRequest,
  CommissionRuleSetView,
  GatewayProviderName,
  PaymentMethod,
} from '@lsp/contracts';
import { GATEWAY_PROVIDERS, PAYMENT_METHODS } from '@lsp/contracts';
import { CURRENCIES } from '@lsp/domain';
import { EMPTY, catchError, debounceTime, finalize, of, switchMap, tap } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { NotificationService } from '../../core/notifications/notification.service';
import { formatBasisPoints } from '../../shared/format/finance-labels';
import { formatMinorUnits, parseMajorUnits } from '../../shared/format/money';
import { MoneyPipe } from '../../shared/format/money.pipe';
import { PageState } from '../../shared/ui/page-state';
import {
  type CommissionRuleDraft,
  EMPTY_RULE,
  type RuleField,
  describeRuleScope,
  draftOf,
  localProblems,
  locateRuleParam,
  ruleInputOf,
} from './commission-rule-draft';
import { LedgerApiService } from './ledger-api.service';

/**
 * The preview needs a merchant id. No merchant has this one, so it shows what a merchant without rules of its
 * own is charged.
 */
const ANY_MERCHANT = 'mer_00000000000000000000000000';
const PREVIEW_DEBOUNCE_MS = 300;

interface PreviewInputs {
  amount: string;
  currency: string;
  merchantId: string;
  provider: GatewayProviderName;
  method: PaymentMethod;
}

/**
 * Commission rules: the current version (and any past one) as a table, an editor that saves the whole set as
 * the next version with the API's objections shown on the field they name, and a live preview of the fee on a
 * sample payment under the rules on screen — the draft while editing.
 */
@Component({
  selector: 'app-commission-rules-page',
  imports: [DatePipe, MoneyPipe, PageState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './commission-rules-page.html',
  styleUrl: './ledger.scss',
})
export class CommissionRulesPage {
  private readonly api = inject(LedgerApiService);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly providers = GATEWAY_PROVIDERS;
  protected readonly methods = PAYMENT_METHODS;
  protected readonly currencies = CURRENCIES;
  protected readonly amountFields = ['fixedAmount', 'minAmount', 'maxAmount'] as const;
  protected readonly bps = formatBasisPoints;
  protected readonly scope = describeRuleScope;

  protected readonly set = signal<CommissionRuleSetView | null>(null);
  /** The newest version, so the version picker can offer 1…latest. */
  protected readonly latestVersion = signal<number | null>(null);
  protected readonly versions = computed(() => {
    const latest = this.latestVersion() ?? 0;
    return Array.from({ length: latest }, (_, i) => latest - i);
  });
  protected readonly viewingLatest = computed(() => this.set()?.version === this.latestVersion());
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);

  protected readonly editing = signal(false);
  protected readonly draft = signal<CommissionRuleDraft[]>([]);
  protected readonly saving = signal(false);
  protected readonly saveError = signal<ApiError | null>(null);
  protected readonly submitted = signal(false);
  protected readonly local = computed(() => this.draft().map(localProblems));
  protected readonly hasLocalProblems = computed(() => this.local().some((p) => Object.keys(p).length > 0));
  /** The API's objection, placed on its row and field when it names one. */
  protected readonly apiProblem = computed(() => {
    const error = this.saveError();
    return error ? { ...locateRuleParam(error.param), message: error.message } : null;
  });

  protected readonly previewInputs = signal<PreviewInputs>({
    amount: '1000.00',
    currency: 'INR',
    merchantId: '',
    provider: 'sandbox',
    method: 'upi',
  });
  protected readonly preview = signal<CommissionPreview | null>(null);
  protected readonly previewError = signal<string | null>(null);
  protected readonly previewing = signal(false);

  constructor() {
    this.loadVersion();
    const previewRequest = computed<CommissionPreviewRequest | string | null>(() => {
      const inputs = this.previewInputs();
      const amount = parseMajorUnits(inputs.amount, inputs.currency);
      if (amount === null || amount < 1) {
        return `Enter a sample amount in ${inputs.currency}.`;
      }
      const merchantId = inputs.merchantId.trim() || ANY_MERCHANT;
      if (!/^mer_[0-9A-Z]{26}$/.test(merchantId)) {
        return 'A merchant id is mer_ followed by 26 characters.';
      }
      const request: CommissionPreviewRequest = {
        amount,
        currency: inputs.currency,
        merchantId,
        provider: inputs.provider,
        method: inputs.method,
      };
      const set = this.set();
      if (this.editing()) {
        if (this.hasLocalProblems()) {
          return 'Fix the highlighted fields to preview the draft.';
        }
        return { ...request, rules: this.draft().map(ruleInputOf) };
      }
      if (!set) {
        return null;
      }
      // A past version is previewed as a draft of its rules; the latest straight from the API's current set.
      return this.viewingLatest()
        ? request
        : { ...request, rules: set.rules.map((rule) => ruleInputOf(draftOf(rule))) };
    });
    toObservable(previewRequest)
      .pipe(
        // The figures on screen are stale from the first keystroke, not only once the request leaves.
        tap(() => this.previewing.set(true)),
        debounceTime(PREVIEW_DEBOUNCE_MS),
        switchMap((request) => {
          if (request === null || typeof request === 'string') {
            this.preview.set(null);
            this.previewError.set(request);
            this.previewing.set(false);
            return of(null);
          }
          return this.api.previewCommission(request).pipe(
            tap((preview) => {
              this.preview.set(preview);
              this.previewError.set(null);
            }),
            catchError((error: unknown) => {
              this.preview.set(null);
              this.previewError.set(toApiError(error).message);
              return EMPTY;
            }),
            finalize(() => this.previewing.set(false)),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }

  protected loadVersion(version?: number): void {
    this.loading.set(true);
    this.error.set(null);
    this.api
      .commissionRules(version)
      .pipe(
        finalize(() => this.loading.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (set) => {
          this.set.set(set);
          if (version === undefined) {
            this.latestVersion.set(set.version);
          }
        },
        error: (error: unknown) => this.error.set(toApiError(error)),
      });
  }

  protected onVersion(event: Event): void {
    const version = Number((event.target as HTMLSelectElement).value);
    this.loadVersion(version === this.latestVersion() ? undefined : version);
  }

  protected startEditing(): void {
    const set = this.set();
    if (!set) {
      return;
    }
    this.draft.set(set.rules.map(draftOf));
    this.saveError.set(null);
    this.submitted.set(false);
    this.editing.set(true);
  }

  protected cancelEditing(): void {
    this.editing.set(false);
    this.saveError.set(null);
  }

  protected addRule(): void {
    this.draft.update((rules) => [...rules, { ...EMPTY_RULE }]);
  }

  protected removeRule(index: number): void {
    this.draft.update((rules) => rules.filter((_, i) => i !== index));
    this.saveError.set(null);
  }

  protected setField(index: number, field: RuleField, event: Event): void {
    const value = (event.target as HTMLInputElement | HTMLSelectElement).value;
    this.draft.update((rules) => rules.map((rule, i) => (i === index ? { ...rule, [field]: value } : rule)));
    // The API's objection may no longer hold once the user changed the field it named.
    const problem = this.apiProblem();
    if (problem && problem.index === index && (problem.field === field || problem.field === null)) {
      this.saveError.set(null);
    }
  }

  protected fieldProblem(index: number, field: RuleField): string | null {
    const problem = this.apiProblem();
    if (problem && problem.index === index && problem.field === field) {
      return problem.message;
    }
    return this.submitted() ? (this.local()[index]?.[field] ?? null) : null;
  }

  protected rowProblem(index: number): string | null {
    const problem = this.apiProblem();
    return problem && problem.index === index && problem.field === null ? problem.message : null;
  }

  protected amountHint(draft: CommissionRuleDraft, field: 'fixedAmount' | 'minAmount' | 'maxAmount'): string {
    const value = draft[field].trim();
    if (!/^\d+$/.test(value)) {
      return '';
    }
    const currency = /^[A-Za-z]{3}$/.test(draft.currency.trim()) ? draft.currency.trim().toUpperCase() : null;
    return currency ? `= ${formatMinorUnits(Number(value), currency)}` : 'minor units';
  }

  protected percentHint(draft: CommissionRuleDraft): string {
    const value = draft.percentBps.trim();
    return /^\d+$/.test(value) ? `= ${formatBasisPoints(Number(value))}` : '';
  }

  protected save(): void {
    this.submitted.set(true);
    if (this.hasLocalProblems() || this.saving()) {
      return;
    }
    this.saving.set(true);
    this.saveError.set(null);
    this.api
      .saveCommissionRules(this.draft().map(ruleInputOf))
      .pipe(
        finalize(() => this.saving.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (set) => {
          this.set.set(set);
          this.latestVersion.set(set.version);
          this.editing.set(false);
          this.notifications.success(`Commission rules saved as version ${set.version}.`);
        },
        error: (error: unknown) => this.saveError.set(toApiError(error)),
      });
  }

  protected setPreview(field: keyof PreviewInputs, event: Event): void {
    const value = (event.target as HTMLInputElement | HTMLSelectElement).value;
    this.previewInputs.update((inputs) => ({ ...inputs, [field]: value }));
  }
}

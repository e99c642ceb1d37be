import { Injectable } from '@nestjs/common';
import type {
  CommissionPreview,
  CommissionRuleSetView,
  ReconciliationReportView,
  TrialBalanceView,
} from '@lsp/contracts';
import {
  type CommissionRule,
  type Currency,
  LedgerError,
  commissionFor,
  selectCommissionRule,
  validateCommissionRuleSet,
} from '@lsp/domain';
import {
  type CommissionRuleSet,
  Database,
  LEDGER_CHECKS,
  candidateCommissionRules,
  commissionRuleSet,
  insertCommissionRuleSet,
  runLedgerCheck,
  trialBalance,
} from '@lsp/persistence';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import type { CommissionPreviewDto, CommissionRuleDto } from './dto/commission-rule.dto';
import { LedgerRepository } from './ledger.repository';

function toRule(dto: CommissionRuleDto): CommissionRule {
  return {
    merchantId: dto.merchantId ?? null,
    provider: dto.provider ?? null,
    method: dto.method ?? null,
    currency: (dto.currency ?? null) as Currency | null,
    percentBps: dto.percentBps,
    fixedAmount: dto.fixedAmount ?? 0,
    minAmount: dto.minAmount ?? null,
    maxAmount: dto.maxAmount ?? null,
  };
}

function toSetView(set: CommissionRuleSet): CommissionRuleSetView {
  return {
    object: 'commission_rule_set',
    version: set.version,
    createdBy: set.createdBy,
    createdAt: set.createdAt.toISOString(),
    rules: set.rules.map(({ version: _version, ...rule }) => rule),
  };
}

/** The domain names fields `rules[2].maxAmount`; the API's validation pipe says `rules.2.maxAmount`. */
const apiParam = (field: string | undefined): string => (field ?? 'rules').replace(/\[(\d+)\]/g, '.$1');

function invalidRules(e: unknown): never {
  if (e instanceof LedgerError) throw ApiException.invalid(apiParam(e.field), e.message, e.code);
  throw e;
}

/** API.md §7: versioned commission rules, the trial balance and the reconciliation report. */
@Injectable()
export class LedgerService {
  constructor(
    private readonly db: Database,
    private readonly repo: LedgerRepository,
    private readonly audit: AuditService,
  ) {}

  async rules(version?: number): Promise<CommissionRuleSetView> {
    const set = await this.db.platform((em) => commissionRuleSet(em, version));
    if (!set) throw ApiException.notFound('commission rule set', String(version));
    return toSetView(set);
  }

  /**
   * Validates the whole set (values, one default, no ambiguous overlap, merchants exist) and stores it as the
   * next version, audited. Payments already charged keep the version they were charged under.
   */
  async replaceRules(dtos: CommissionRuleDto[], actor: Actor): Promise<CommissionRuleSetView> {
    const rules = dtos.map(toRule);
    try {
      validateCommissionRuleSet(rules);
    } catch (e) {
      invalidRules(e);
    }
    const set = await this.db.platform(async (em) => {
      const named = [...new Set(rules.map((r) => r.merchantId).filter((id): id is string => id !== null))];
      const existing = await this.repo.existingMerchants(em, named);
      const missing = rules.findIndex((r) => r.merchantId !== null && !existing.has(r.merchantId));
      if (missing >= 0) {
        throw ApiException.invalid(`rules.${missing}.merchantId`, `No such merchant: '${rules[missing].merchantId}'`);
      }
      const before = await commissionRuleSet(em);
      const created = await insertCommissionRuleSet(em, rules, actor.actorEmail ?? actor.actorId);
      await this.audit.record(em, actor, {
        action: 'commission_rules.update',
        objectType: 'commission_rule_set',
        objectId: String(created.version),
        before: before
          ? { version: before.version, rules: toSetView(before).rules.map(({ id: _id, ...r }) => r) }
          : null,
        after: { version: created.version, rules: toSetView(created).rules.map(({ id: _id, ...r }) => r) },
      });
      return created;
    });
    return toSetView(set);
  }

  async preview(input: CommissionPreviewDto): Promise<CommissionPreview> {
    const subject = {
      merchantId: input.merchantId,
      provider: input.provider,
      method: input.method,
      currency: input.currency as Currency,
    };
    let rule: CommissionRule & { id?: string };
    let version: number | null = null;
    try {
      if (input.rules) {
        const draft = input.rules.map(toRule);
        validateCommissionRuleSet(draft);
        rule = selectCommissionRule(draft, subject);
      } else {
        const candidates = await this.db.platform((em) => candidateCommissionRules(em, subject));
        const chosen = selectCommissionRule(candidates, subject);
        version = chosen.version;
        const { version: _version, ...current } = chosen;
        rule = current;
      }
    } catch (e) {
      invalidRules(e);
    }
    const commission = commissionFor(rule, input.amount);
    return {
      object: 'commission_preview',
      amount: input.amount,
      currency: input.currency,
      commission,
      net: input.amount - commission,
      rule: { ...rule, id: rule.id ?? null },
      version,
    };
  }

  async trialBalance(): Promise<TrialBalanceView> {
    const result = await this.db.platform((em) => trialBalance(em));
    return { object: 'trial_balance', ...result, generatedAt: new Date().toISOString() };
  }

  async reconciliation(live: boolean): Promise<ReconciliationReportView> {
    const latest = await this.db.platform((em) => this.repo.latestReconciliation(em));
    let liveReport: ReconciliationReportView['live'] = null;
    if (live) {
      const checks = [];
      for (const check of LEDGER_CHECKS) checks.push(await this.db.platform((em) => runLedgerCheck(em, check)));
      liveReport = { ok: checks.every((c) => c.ok), checks };
    }
    return {
      object: 'reconciliation_report',
      latest: latest
        ? {
            id: latest.id,
            trigger: latest.trigger,
            ok: latest.ok,
            startedAt: latest.started_at.toISOString(),
            finishedAt: latest.finished_at.toISOString(),
            checks: latest.checks,
            breaks: latest.breaks,
          }
        : null,
      live: liveReport,
    };
  }
}

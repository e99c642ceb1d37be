import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ListResponse, StatementLine, WalletBalance, WalletView } from '@lsp/contracts';
import { Database, setWalletThreshold } from '@lsp/persistence';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import { DEFAULT_PAGE_SIZE, toListResponse } from '../core/http/pagination';
import type { SetLowBalanceThresholdDto, StatementQueryDto } from './dto/wallet.dto';
import { type StatementRow, type ThresholdRow, type WalletAccountRow, WalletsRepository } from './wallets.repository';

type Run = <T>(work: (em: EntityManager) => Promise<T>) => Promise<T>;

const FIELD_OF_KIND = {
  merchant_pending: 'pending',
  merchant_available: 'available',
  merchant_settled: 'settled',
} as const;

function balancesOf(merchantId: string, accounts: WalletAccountRow[], thresholds: ThresholdRow[]): WalletBalance[] {
  const byCurrency = new Map<string, WalletBalance>();
  const get = (currency: string): WalletBalance => {
    let b = byCurrency.get(currency);
    if (!b) {
      b = { currency, pending: 0, available: 0, settled: 0, lowBalanceThreshold: null };
      byCurrency.set(currency, b);
    }
    return b;
  };
  for (const a of accounts)
    if (a.merchant_id === merchantId) get(a.currency)[FIELD_OF_KIND[a.kind]] = Number(a.balance);
  for (const t of thresholds) {
    if (t.merchant_id === merchantId) get(t.currency).lowBalanceThreshold = Number(t.low_balance_threshold);
  }
  return [...byCurrency.values()].sort((x, y) => x.currency.localeCompare(y.currency));
}

function toStatementLine(row: StatementRow): StatementLine {
  return {
    id: row.id,
    object: 'statement_line',
    journalId: row.journal_id,
    type: row.type,
    account: row.kind,
    currency: row.currency,
    // Wallet accounts are credit-normal: a credit (positive entry) adds to the balance.
    amount: Number(row.amount),
    balanceAfter: Number(row.balance_after),
    paymentId: row.payment_id,
    refundId: row.refund_id,
    createdAt: row.created_at.toISOString(),
  };
}

/** API.md §7 wallets: balances per merchant and currency, statements, low-balance thresholds. */
@Injectable()
export class WalletsService {
  constructor(
    private readonly db: Database,
    private readonly repo: WalletsRepository,
    private readonly audit: AuditService,
  ) {}

  async list(query: { limit?: number; startingAfter?: string }): Promise<ListResponse<WalletView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return this.db.platform(async (em) => {
      const merchants = await this.repo.merchantPage(em, query.startingAfter ?? null, limit + 1);
      const ids = merchants.slice(0, limit).map((m) => m.id);
      const [accounts, thresholds] = [await this.repo.accounts(em, ids), await this.repo.thresholds(em, ids)];
      return toListResponse(merchants, limit, (m) => ({
        object: 'wallet' as const,
        merchantId: m.id,
        merchantName: m.name,
        balances: balancesOf(m.id, accounts, thresholds),
      }));
    });
  }

  /** One merchant's wallet, in the platform scope (staff) or the merchant's own scope. */
  get(merchantId: string, run: Run = (work) => this.db.platform(work)): Promise<WalletView> {
    return run(async (em) => {
      const [merchant] = await this.repo.merchant(em, merchantId);
      if (!merchant) throw ApiException.notFound('merchant', merchantId);
      const [accounts, thresholds] = [
        await this.repo.accounts(em, [merchantId]),
        await this.repo.thresholds(em, [merchantId]),
      ];
      return {
        object: 'wallet' as const,
        merchantId,
        merchantName: merchant.name,
        balances: balancesOf(merchantId, accounts, thresholds),
      };
    });
  }

  statement(
    merchantId: string,
    query: StatementQueryDto,
    run: Run = (work) => this.db.platform(work),
  ): Promise<ListResponse<StatementLine>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const from = query.from ? new Date(query.from) : null;
    const to = query.to ? new Date(query.to) : null;
    if (from && to && from >= to) throw ApiException.invalid('to', 'to must be after from');
    return run(async (em) => {
      const [merchant] = await this.repo.merchant(em, merchantId);
      if (!merchant) throw ApiException.notFound('merchant', merchantId);
      const rows = await this.repo.statement(
        em,
        merchantId,
        {
          currency: query.currency ?? null,
          account: query.account ?? null,
          from,
          to,
          startingAfter: query.startingAfter ?? null,
        },
        limit + 1,
      );
      return toListResponse(rows, limit, toStatementLine);
    });
  }

  async setThreshold(merchantId: string, input: SetLowBalanceThresholdDto, actor: Actor): Promise<WalletView> {
    await this.db.platform(async (em) => {
      const [merchant] = await this.repo.merchant(em, merchantId);
      if (!merchant) throw ApiException.notFound('merchant', merchantId);
      const [before] = (await this.repo.thresholds(em, [merchantId])).filter((t) => t.currency === input.currency);
      await setWalletThreshold(em, merchantId, input.currency, input.threshold);
      await this.audit.record(em, actor, {
        action: 'wallet.set_threshold',
        objectType: 'merchant',
        objectId: merchantId,
        before: { currency: input.currency, lowBalanceThreshold: before ? Number(before.low_balance_threshold) : null },
        after: { currency: input.currency, lowBalanceThreshold: input.threshold },
      });
    });
    return this.get(merchantId);
  }
}

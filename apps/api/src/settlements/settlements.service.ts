import { Injectable, StreamableFile } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ListResponse, SettlementDetailView, SettlementRunView, SettlementView } from '@lsp/contracts';
import {
  Database,
  createManualRun,
  findRun,
  toSettlementItemView,
  toSettlementRunView,
  toSettlementView,
} from '@lsp/persistence';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import { DEFAULT_PAGE_SIZE, toListResponse } from '../core/http/pagination';
import type { AdminListSettlementsQueryDto, RunSettlementsDto } from './dto/settlement.dto';
import { settlementCsv } from './settlement-csv';
import { SettlementsRepository } from './settlements.repository';

/** Items shown inline in a settlement's JSON; the CSV export carries all of them. */
export const DETAIL_ITEM_LIMIT = 1000;
/** A cut-off a little ahead of this server's clock is the caller's clock, not a request for the future. */
const CLOCK_SKEW_MS = 60_000;

type InScope = <T>(work: (em: EntityManager) => Promise<T>) => Promise<T>;

/**
 * Settlements for staff (platform scope) and for a merchant (its own scope: row-level security admits only its
 * rows, so another merchant's settlement is simply not found).
 */
@Injectable()
export class SettlementsService {
  constructor(
    private readonly db: Database,
    private readonly repo: SettlementsRepository,
    private readonly audit: AuditService,
  ) {}

  private scope(merchantId: string | null): InScope {
    return (work) => (merchantId ? this.db.merchant(merchantId, work) : this.db.platform(work));
  }

  list(merchantId: string | null, query: AdminListSettlementsQueryDto): Promise<ListResponse<SettlementView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return this.scope(merchantId)(async (em) =>
      toListResponse(await this.repo.list(em, query, limit), limit, toSettlementView),
    );
  }

  get(merchantId: string | null, id: string): Promise<SettlementDetailView> {
    return this.scope(merchantId)(async (em) => {
      const row = await this.repo.find(em, id);
      if (!row) throw ApiException.notFound('settlement', id);
      const items = await this.repo.items(em, id, '', DETAIL_ITEM_LIMIT + 1);
      return {
        ...toSettlementView(row),
        items: items.slice(0, DETAIL_ITEM_LIMIT).map(toSettlementItemView),
        itemsTruncated: items.length > DETAIL_ITEM_LIMIT,
      };
    });
  }

  /** Checks the settlement is visible first (404 as JSON), then streams its items page by page. */
  async csv(merchantId: string | null, id: string): Promise<StreamableFile> {
    const inScope = this.scope(merchantId);
    const row = await inScope((em) => this.repo.find(em, id));
    if (!row) throw ApiException.notFound('settlement', id);
    const stream = settlementCsv(row, (after, limit) => inScope((em) => this.repo.items(em, id, after, limit)));
    return new StreamableFile(stream, {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="settlement-${id}.csv"`,
    });
  }

  /**
   * Records the run request (and its audit entry) in one transaction; the settlement processor picks it up on
   * its next tick. The request is durable before the answer, so nothing is lost if Redis or the workers are down.
   */
  async requestRun(input: RunSettlementsDto, actor: Actor): Promise<SettlementRunView> {
    const cutoff = input.cutoff ? new Date(input.cutoff) : new Date();
    if (cutoff.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw ApiException.invalid('cutoff', 'cutoff may not be in the future: only captured money can be settled');
    }
    return this.db.platform(async (em) => {
      if (input.merchantId && !(await this.repo.merchantExists(em, input.merchantId))) {
        throw ApiException.invalid('merchantId', `No such merchant: '${input.merchantId}'`, 'resource_missing');
      }
      const run = await createManualRun(em, {
        merchantId: input.merchantId ?? null,
        cutoff,
        requestedBy: actor.actorId ?? null,
      });
      const view = toSettlementRunView(run);
      await this.audit.record(em, actor, {
        action: 'settlement.run',
        objectType: 'settlement_run',
        objectId: run.id,
        before: null,
        after: { merchantId: view.merchantId, cutoff: view.cutoff, status: view.status },
      });
      return view;
    });
  }

  async getRun(id: string): Promise<SettlementRunView> {
    const run = await this.db.platform((em) => findRun(em, id));
    if (!run) throw ApiException.notFound('settlement run', id);
    return toSettlementRunView(run);
  }
}

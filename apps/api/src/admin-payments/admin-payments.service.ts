import { Injectable } from '@nestjs/common';
import type { ListResponse, PaymentTimelineEntry, PaymentView } from '@lsp/contracts';
import { paymentsRepository as repo, toPaymentView } from '@lsp/payments';
import { Database } from '@lsp/persistence';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import { DEFAULT_PAGE_SIZE, toListResponse } from '../core/http/pagination';
import type { CreateRefundDto } from '../payments/dto/payment.dto';
import { TIMELINE_LIMIT, toTimeline } from '../payments/dto/payment-timeline.view';
import { PaymentTimelineRepository } from '../payments/payment-timeline.repository';
import { PaymentsService, type Timed } from '../payments/payments.service';
import { AdminPaymentsRepository } from './admin-payments.repository';
import type { AdminListPaymentsQueryDto } from './dto/admin-payment.dto';

/**
 * Console users' Idempotency-Keys live in their own namespace within the merchant's keys, so a key a console user
 * picks can never replay (or collide with) a response the merchant's own server received.
 */
const CONSOLE_KEY_PREFIX = 'console:';
export const CONSOLE_KEY_MAX = 255 - CONSOLE_KEY_PREFIX.length;

/** Staff views of every merchant's payments (platform scope), and refunds on a merchant's behalf. */
@Injectable()
export class AdminPaymentsService {
  constructor(
    private readonly db: Database,
    private readonly repo: AdminPaymentsRepository,
    private readonly timelines: PaymentTimelineRepository,
    private readonly payments: PaymentsService,
    private readonly audit: AuditService,
  ) {}

  async list(query: AdminListPaymentsQueryDto): Promise<ListResponse<PaymentView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return this.db.platform(async (em) => {
      const rows = await this.repo.list(em, query, limit);
      const attempts = await repo.attemptsOf(
        em,
        rows.slice(0, limit).map((r) => r.id),
      );
      return toListResponse(rows, limit, (r) =>
        toPaymentView(
          r,
          attempts.filter((a) => a.payment_id === r.id),
        ),
      );
    });
  }

  async get(id: string): Promise<PaymentView> {
    return this.db.platform(async (em) => {
      const row = await repo.findPayment(em, id);
      if (!row) throw ApiException.notFound('payment', id);
      return toPaymentView(row, await repo.attemptsOf(em, [id]));
    });
  }

  async timeline(id: string): Promise<ListResponse<PaymentTimelineEntry>> {
    return this.db.platform(async (em) => {
      if (!(await repo.findPayment(em, id))) throw ApiException.notFound('payment', id);
      return toTimeline(await this.timelines.eventsOf(em, id, TIMELINE_LIMIT));
    });
  }

  /**
   * The merchant's own refund path (limits, idempotency, concurrency) run for the payment's merchant. The audit
   * record is written in the transaction that reserves the refund, so a replayed request audits nothing twice.
   */
  async refund(id: string, key: string, input: CreateRefundDto, actor: Actor): Promise<Timed<unknown>> {
    const payment = await this.db.platform((em) => repo.findPayment(em, id));
    if (!payment) throw ApiException.notFound('payment', id);
    return this.payments.refund(payment.merchant_id, id, CONSOLE_KEY_PREFIX + key, input, async (em, refundId) => {
      const refund = await repo.findRefund(em, refundId);
      await this.audit.record(em, actor, {
        action: 'payment.refund',
        objectType: 'payment',
        objectId: id,
        before: null,
        after: {
          refundId,
          merchantId: payment.merchant_id,
          amount: refund ? Number(refund.amount) : input.amount,
          currency: payment.currency,
          reason: input.reason ?? null,
        },
      });
    });
  }
}

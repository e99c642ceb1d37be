import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ListResponse, PaymentTimelineEntry, PaymentView, RefundView } from '@lsp/contracts';
import { isCurrency, newId } from '@lsp/domain';
import {
  type FirstStep,
  PaymentProcessor,
  paymentsRepository as repo,
  toPaymentView,
  toRefundView,
  RefundProcessor,
} from '@lsp/payments';
import { Database, recordEvent } from '@lsp/persistence';
import type { AppConfig } from '@lsp/platform';
import { ApiException } from '../core/http/api.exception';
import { DEFAULT_PAGE_SIZE, toListResponse } from '../core/http/pagination';
import { APP_CONFIG } from '../core/infra/tokens';
import { IdempotencyService } from '../idempotency/idempotency.service';
import type { CreatePaymentDto, CreateRefundDto, ListPaymentsQueryDto } from './dto/payment.dto';
import { TIMELINE_LIMIT, toTimeline } from './dto/payment-timeline.view';
import { PaymentTimelineRepository } from './payment-timeline.repository';

/** What POST /api/v1/payments answers for a routing outcome: 201 with the payment, or 502 when no gateway fits. */
function createResponse(
  routed: { payment: PaymentView; noCandidates: boolean },
  input: CreatePaymentDto,
  paymentId: string,
): { status: number; body: unknown } {
  if (!routed.noCandidates) return { status: 201, body: routed.payment };
  return {
    status: 502,
    body: {
      error: {
        type: 'gateway_error',
        code: 'no_gateway_available',
        message: `No enabled gateway can take ${input.currency} ${input.method} payments`,
        paymentId,
      },
    },
  };
}

export interface Timed<T> {
  status: number;
  body: T;
  replayed: boolean;
  gatewayMs: number;
}

@Injectable()
export class PaymentsService {
  constructor(
    private readonly db: Database,
    private readonly idempotency: IdempotencyService,
    private readonly processor: PaymentProcessor,
    private readonly refunds: RefundProcessor,
    private readonly timelines: PaymentTimelineRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(merchantId: string, livemode: boolean, key: string, input: CreatePaymentDto): Promise<Timed<unknown>> {
    this.validate(input);
    const hash = IdempotencyService.hashRequest('POST', '/api/v1/payments', input);
    const newPaymentId = newId('payment');
    // Read before the claim's transaction opens: a cache miss takes a second pool connection.
    const gateways = await this.processor.routingGateways();
    let first: FirstStep | undefined;
    let gatewayMs = 0;
    // The key's claim, the payment, its `payment.created` event and its first `unknown` attempt commit together
    // (the gateway is called only after that commit); the response commits with the gateway's answer.
    const result = await this.idempotency.run(
      merchantId,
      key,
      hash,
      async (boundId, respond) => {
        // With `create` given the key always has a payment: the new one, or the one an earlier try created.
        const paymentId = boundId ?? newPaymentId;
        const routed = await this.processor.route(merchantId, paymentId, {
          first: paymentId === newPaymentId ? first : undefined,
          onSettled: (em, outcome) => respond(em, createResponse(outcome, input, paymentId)),
        });
        gatewayMs = routed.gatewayMs;
        return createResponse(routed, input, paymentId);
      },
      {
        id: newPaymentId,
        insert: async (em) => {
          const row = await repo.insertPayment(em, {
            id: newPaymentId,
            merchantId,
            amount: input.amount,
            currency: input.currency,
            method: input.method,
            description: input.description ?? null,
            customer: input.customer ? { ...input.customer } : null,
            returnUrl: input.returnUrl ?? null,
            metadata: input.metadata ?? {},
            preferredGateway: input.gateway ?? null,
            livemode,
          });
          await recordEvent(em, {
            type: 'payment.created',
            merchantId,
            aggregateType: 'payment',
            aggregateId: row.id,
            payload: toPaymentView(row, []) as unknown as Record<string, unknown>,
          });
          first = await this.processor.firstStepIn(em, merchantId, row, gateways);
        },
      },
    );
    return { ...result, gatewayMs };
  }

  async get(merchantId: string, id: string): Promise<PaymentView> {
    return this.db.merchant(merchantId, async (em) => {
      const row = await repo.findPayment(em, id);
      if (!row) throw ApiException.notFound('payment', id);
      return toPaymentView(row, await repo.attemptsOf(em, [id]));
    });
  }

  async list(merchantId: string, query: ListPaymentsQueryDto): Promise<ListResponse<PaymentView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return this.db.merchant(merchantId, async (em) => {
      const rows = await repo.listPayments(em, query, limit);
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

  async cancel(merchantId: string, id: string): Promise<PaymentView> {
    return this.processor.cancel(merchantId, id).catch((e: unknown) => {
      throw this.mapDomainError(e, 'payment', id);
    });
  }

  /**
   * `onReserved` runs inside the transaction that reserves a new refund (not on replays or resumptions), so what it
   * writes — the console's audit record — exists exactly when the refund does.
   */
  async refund(
    merchantId: string,
    paymentId: string,
    key: string,
    input: CreateRefundDto,
    onReserved?: (em: EntityManager, refundId: string) => Promise<void>,
  ): Promise<Timed<unknown>> {
    const hash = IdempotencyService.hashRequest('POST', `/api/v1/payments/${paymentId}/refunds`, input);
    let gatewayMs = 0;
    const result = await this.idempotency.run(merchantId, key, hash, async (existingId) => {
      const outcome = await this.refunds
        .refund(
          merchantId,
          paymentId,
          { amount: input.amount, reason: input.reason ?? null, existingRefundId: existingId },
          async (em, refundId) => {
            await this.idempotency.bindResource(em, merchantId, key, refundId);
            await onReserved?.(em, refundId);
          },
        )
        .catch((e: unknown) => {
          throw this.mapDomainError(e, 'payment', paymentId);
        });
      gatewayMs = outcome.gatewayMs;
      return { status: 201, body: outcome.refund };
    });
    return { ...result, gatewayMs };
  }

  async timeline(merchantId: string, paymentId: string): Promise<ListResponse<PaymentTimelineEntry>> {
    return this.db.merchant(merchantId, async (em) => {
      if (!(await repo.findPayment(em, paymentId))) throw ApiException.notFound('payment', paymentId);
      return toTimeline(await this.timelines.eventsOf(em, paymentId, TIMELINE_LIMIT));
    });
  }

  async getRefund(merchantId: string, id: string): Promise<RefundView> {
    const row = await this.db.merchant(merchantId, (em) => repo.findRefund(em, id));
    if (!row) throw ApiException.notFound('refund', id);
    return toRefundView(row);
  }

  private validate(input: CreatePaymentDto): void {
    if (input.amount > this.config.paymentMaxAmount) {
      throw ApiException.invalid('amount', `amount must be at most ${this.config.paymentMaxAmount} minor units`);
    }
    if (!isCurrency(input.currency))
      throw ApiException.invalid('currency', `currency ${input.currency} is not supported`);
    if (input.returnUrl !== undefined) {
      let url: URL | null = null;
      try {
        url = new URL(input.returnUrl);
      } catch {
        // reported below
      }
      const localHttp =
        url?.protocol === 'http:' &&
        ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) &&
        this.config.nodeEnv !== 'production';
      if (!url || !(url.protocol === 'https:' || localHttp)) {
        throw ApiException.invalid(
          'returnUrl',
          'returnUrl must be an https URL (http only for localhost outside production)',
        );
      }
    }
  }

  private mapDomainError(e: unknown, what: string, id: string): unknown {
    const err = e as { name: string; message?: string };
    switch (err.name) {
      case 'PaymentNotFoundError':
        return ApiException.notFound(what, id);
      case 'IllegalTransitionError':
        return ApiException.conflict(
          'invalid_state_transition',
          err.message ?? 'This change is not allowed in the current state',
        );
      case 'RefundExceedsCapturedError':
        return ApiException.conflict(
          'refund_exceeds_captured',
          err.message ?? 'The refund would exceed the captured amount',
        );
      case 'PaymentNotCapturedError':
        return ApiException.conflict('payment_not_captured', err.message ?? 'Only a captured payment can be refunded');
      case 'RefundNotCoveredError':
        return new ApiException(
          'conflict',
          'insufficient_funds',
          err.message ?? "The merchant's wallet cannot cover this refund",
          { param: 'amount' },
        );
      default:
        return e;
    }
  }
}

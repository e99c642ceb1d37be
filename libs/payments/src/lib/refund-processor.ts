import type { EntityManager } from 'typeorm';
import type { RefundView } from '@lsp/contracts';
import { newId, paymentStatusAfterRefunds, resolveRefundAmount } from '@lsp/domain';
import { type GatewayAdapter, adapterFor } from '@lsp/gateways';
import { type Database, assertWalletCoversRefund, recordEvent } from '@lsp/persistence';
import { PaymentNotFoundError } from './errors';
import type { GatewayDirectory, GatewayRecord } from './gateway-directory';
import type { PaymentProcessor } from './payment-processor';
import { type RefundRow, toRefundView } from './payment-rows';
import { paymentsRepository as repo } from './payments.repository';

/**
 * Refunds under the payment's row lock: the refundable remainder is computed and the refund reserved (inserted as
 * pending) in one transaction, so concurrent refunds can never add up to more than the capture. The same
 * transaction refuses (`insufficient_funds`) a refund whose share the merchant's wallet could not pay back, before
 * the gateway is asked: else the customer would be refunded and the ledger refuse the reversal for good.
 */
export class RefundProcessor {
  constructor(
    private readonly db: Database,
    private readonly gateways: GatewayDirectory,
    private readonly payments: PaymentProcessor,
    private readonly adapters: (provider: GatewayRecord['provider']) => GatewayAdapter = adapterFor,
  ) {}

  async refund(
    merchantId: string,
    paymentId: string,
    input: { amount?: number; reason: string | null; existingRefundId: string | null },
    bind: (em: EntityManager, refundId: string) => Promise<void>,
  ): Promise<{ refund: RefundView; gatewayMs: number }> {
    const reserved = await this.db.merchant(merchantId, async (em) => {
      if (input.existingRefundId) {
        const existing = await repo.findRefund(em, input.existingRefundId);
        const payment = existing && (await repo.findPayment(em, existing.payment_id));
        if (existing && payment) return { refund: existing, payment };
      }
      const payment = await repo.findPayment(em, paymentId, true);
      if (!payment) throw new PaymentNotFoundError(paymentId);
      // Under the payment's row lock: the remainder computed here cannot be spent by a concurrent refund.
      const amount = resolveRefundAmount(
        payment.status,
        {
          captured: Number(payment.amount),
          refundedSucceeded: Number(payment.amount_refunded),
          refundsPending: await repo.pendingRefundTotal(em, paymentId),
        },
        input.amount,
      );
      await assertWalletCoversRefund(em, { merchantId, paymentId, currency: payment.currency, amount });
      const refund = await repo.insertRefund(em, {
        id: newId('refund'),
        paymentId,
        merchantId,
        amount,
        currency: payment.currency,
        reason: input.reason,
      });
      await bind(em, refund.id);
      return { refund, payment };
    });
    const captureAttempt = await this.db.merchant(merchantId, async (em) =>
      (await repo.attemptsOf(em, [paymentId])).find((a) => a.status === 'succeeded'),
    );
    if (reserved.refund.status !== 'pending') return { refund: toRefundView(reserved.refund), gatewayMs: 0 };

    const gateway = reserved.payment.gateway_id ? await this.gateways.byId(reserved.payment.gateway_id) : undefined;
    if (!gateway) throw new Error(`payment ${paymentId} has no gateway to refund through`);
    const started = Date.now();
    const result = await this.adapters(gateway.provider).refund(
      {
        refundId: reserved.refund.id,
        paymentId,
        attemptId: captureAttempt?.id ?? '',
        gatewayReference: reserved.payment.gateway_reference ?? '',
        amount: Number(reserved.refund.amount),
        currency: reserved.refund.currency,
      },
      this.payments.context(gateway),
    );
    const gatewayMs = Date.now() - started;
    const refund = await this.db.merchant(merchantId, (em) =>
      this.settle(
        em,
        reserved.refund.id,
        result.status,
        result.gatewayRefundReference ?? null,
        result.errorCode,
        result.errorMessage,
      ),
    );
    return { refund, gatewayMs };
  }

  /** Records the gateway's answer; `pending`/`unknown` answers leave the refund pending for reconciliation. */
  async settle(
    em: EntityManager,
    refundId: string,
    status: string,
    gatewayRefundReference: string | null,
    errorCode?: string,
    errorMessage?: string,
  ): Promise<RefundView> {
    const current = (await repo.findRefund(em, refundId, true)) as RefundRow;
    const payment = await repo.findPayment(em, current.payment_id, true);
    if (current.status !== 'pending' || !payment) return toRefundView(current);
    if (status === 'succeeded') {
      const refund = await repo.updateRefund(em, refundId, { status: 'succeeded', gatewayRefundReference });
      const amountRefunded = Number(payment.amount_refunded) + Number(refund.amount);
      const row = await repo.updatePayment(em, payment.id, {
        amount_refunded: amountRefunded,
        status: paymentStatusAfterRefunds(Number(payment.amount), amountRefunded),
      });
      await recordEvent(em, {
        type: 'refund.succeeded',
        merchantId: row.merchant_id,
        aggregateType: 'refund',
        aggregateId: refundId,
        payload: toRefundView(refund) as unknown as Record<string, unknown>,
      });
      return toRefundView(refund);
    }
    if (status === 'failed_permanent') {
      const refund = await repo.updateRefund(em, refundId, {
        status: 'failed',
        gatewayRefundReference,
        failureCode: errorCode ?? 'refund_failed',
        failureMessage: errorMessage ?? 'The gateway refused the refund',
      });
      await recordEvent(em, {
        type: 'refund.failed',
        merchantId: refund.merchant_id,
        aggregateType: 'refund',
        aggregateId: refundId,
        payload: toRefundView(refund) as unknown as Record<string, unknown>,
      });
      return toRefundView(refund);
    }
    if (gatewayRefundReference) await repo.updateRefund(em, refundId, { status: 'pending', gatewayRefundReference });
    return toRefundView(current);
  }
}

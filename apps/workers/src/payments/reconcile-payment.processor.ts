import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PaymentProcessor, paymentsRepository } from '@lsp/payments';
import { Database, raiseAlert, resolveAlertByFingerprint } from '@lsp/persistence';
import type { Logger } from '@lsp/platform';
import type { ReconcilePaymentPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { LOGGER } from '../core/tokens';
import { PAYMENT_WORKER_OPTIONS, type PaymentWorkerOptions } from './payment-worker-options';

export type ReconcileOutcome = Awaited<ReturnType<PaymentProcessor['reconcile']>>;

/** One open alert per payment whose outcome stays unknown. */
export const paymentOutcomeUnknownAlert = (paymentId: string): string => `payment-outcome-unknown:${paymentId}`;

/**
 * Asks the gateway about one stale payment and applies the answer (PaymentProcessor.reconcile claims the check
 * under the row lock first, so a duplicate job finds it `not_due`). An outcome that stays unknown is never failed
 * automatically — the customer may have paid; after `reviewAfterAttempts` checks the payment is flagged for review
 * and an operator gets a warning alert, bumped (not duplicated) at each later check. A final answer closes it.
 */
@Injectable()
@ProcessesJob('payments', 'reconcile-payment')
export class ReconcilePaymentProcessor implements JobProcessor<'payments', 'reconcile-payment'> {
  constructor(
    @Inject(PaymentProcessor) private readonly payments: PaymentProcessor,
    @Inject(Database) private readonly db: Database,
    @Inject(PAYMENT_WORKER_OPTIONS) private readonly options: PaymentWorkerOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: ReconcilePaymentPayload, job: Job): Promise<{ outcome: ReconcileOutcome }> {
    const { paymentId } = payload;
    // One job is one due check (see RetryPaymentProcessor): a late redelivery does not take the next one.
    const current = await this.db.platform((em) => paymentsRepository.findPayment(em, paymentId));
    const outcome: ReconcileOutcome =
      current?.reconcile_attempts === payload.reconcileAttempts
        ? await this.payments.reconcile(paymentId, this.options.reviewAfterAttempts)
        : 'not_due';
    const fingerprint = paymentOutcomeUnknownAlert(paymentId);
    // A retry of this job after the alert could not be written finds the check already claimed (`not_due`):
    // raise the alert from the flag the first run left, so it is not lost until the next check hours later.
    const alertPending = outcome === 'not_due' && job.attemptsMade > 0;
    if (outcome === 'flagged' || alertPending) {
      await this.db.platform(async (em) => {
        const payment = await paymentsRepository.findPayment(em, paymentId);
        if (!payment || payment.status !== 'pending' || !payment.needs_review) return;
        if (outcome !== 'flagged' && payment.reconcile_attempts < this.options.reviewAfterAttempts) return;
        await raiseAlert(em, {
          fingerprint,
          severity: 'warning',
          source: 'workers/payments',
          title: 'Payment outcome unknown',
          message:
            `Payment ${paymentId} is still pending at ${payment.gateway_code ?? 'its gateway'} after ` +
            `${payment.reconcile_attempts} status checks. It is not failed automatically (the customer may have ` +
            `paid): settle it with the gateway.`,
          details: {
            paymentId,
            merchantId: payment.merchant_id,
            gateway: payment.gateway_code,
            amount: Number(payment.amount),
            currency: payment.currency,
            reconcileAttempts: payment.reconcile_attempts,
            nextCheckAt: payment.stale_check_at?.toISOString() ?? null,
          },
          merchantId: payment.merchant_id,
        });
      });
    } else if (outcome === 'captured' || outcome === 'failed') {
      const resolved = await this.db.platform((em) => resolveAlertByFingerprint(em, fingerprint));
      if (resolved) this.logger.info({ paymentId, outcome }, 'payment outcome settled; alert resolved');
    }
    if (outcome !== 'not_due') {
      this.logger.info({ paymentId, merchantId: payload.merchantId, outcome, jobId: job.id }, 'payment reconciled');
    }
    return { outcome };
  }
}

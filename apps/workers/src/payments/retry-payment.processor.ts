import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PaymentProcessor, paymentsRepository } from '@lsp/payments';
import { Database } from '@lsp/persistence';
import type { Logger } from '@lsp/platform';
import type { RetryPaymentPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { LOGGER } from '../core/tokens';

export type RetryPaymentResult =
  | { retried: false }
  | { retried: true; status: string; attempts: number; failureCode: string | null };

/**
 * Routes a payment again once its retry is due. PaymentProcessor.retry claims the retry under the payment's row
 * lock (retry_count + 1, next_retry_at cleared) before any gateway is called, so a redelivered or duplicate job
 * finds nothing to claim and changes nothing. A job is one due retry: one whose count has passed (a late
 * redelivery) leaves the next retry to its own job rather than taking it as soon as that one falls due.
 */
@Injectable()
@ProcessesJob('payments', 'retry-payment')
export class RetryPaymentProcessor implements JobProcessor<'payments', 'retry-payment'> {
  constructor(
    @Inject(PaymentProcessor) private readonly payments: PaymentProcessor,
    @Inject(Database) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: RetryPaymentPayload, job: Job): Promise<RetryPaymentResult> {
    const current = await this.db.merchant(payload.merchantId, (em) =>
      paymentsRepository.findPayment(em, payload.paymentId),
    );
    const outcome =
      current?.retry_count === payload.retryCount
        ? await this.payments.retry(payload.merchantId, payload.paymentId)
        : null;
    if (!outcome) {
      // Already retried by another job, no longer pending, or not due by this process's clock.
      this.logger.debug({ paymentId: payload.paymentId, jobId: job.id }, 'payment retry not claimed');
      return { retried: false };
    }
    const { payment } = outcome;
    const result = {
      retried: true as const,
      status: payment.status,
      attempts: payment.attempts.length,
      failureCode: payment.failureCode ?? null,
    };
    this.logger.info(
      { paymentId: payment.id, merchantId: payment.merchantId, retryCount: payload.retryCount + 1, ...result },
      'payment retried',
    );
    return result;
  }
}

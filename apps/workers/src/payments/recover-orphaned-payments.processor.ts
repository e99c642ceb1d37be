import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig, Logger } from '@lsp/platform';
import { Database } from '@lsp/persistence';
import type { ScheduledRunPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, LOGGER } from '../core/tokens';
import { PAYMENT_WORKER_OPTIONS, type PaymentWorkerOptions } from './payment-worker-options';
import { paymentScansRepository as scans } from './payment-scans.repository';

/**
 * Gateways a route may try in turn, each for up to GATEWAY_TIMEOUT, before the payment is updated again. A
 * payment untouched for longer than that (and than STALE_PAYMENT_AFTER) is not in anyone's hands.
 */
const MAX_GATEWAYS_PER_ROUTE = 10;

/**
 * A process killed after claiming a retry and before recording the gateway's answer leaves a pending payment with
 * nothing scheduled (BullMQ's redelivery of the job finds the retry already claimed): neither the retry scan nor
 * the stale monitor would ever see it again. This sweep hands such a payment back: to the stale monitor when an
 * attempt may be at a gateway, to the retry scan when none is.
 */
@Injectable()
@ProcessesJob('payments', 'recover-orphaned-payments')
export class RecoverOrphanedPaymentsProcessor implements JobProcessor<'payments', 'recover-orphaned-payments'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PAYMENT_WORKER_OPTIONS) private readonly options: PaymentWorkerOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: ScheduledRunPayload): Promise<{ checked: number; retried: number }> {
    const idleMs = Math.max(this.config.stalePaymentAfterMs, MAX_GATEWAYS_PER_ROUTE * this.config.gatewayTimeoutMs);
    let checked = 0;
    let retried = 0;
    for (let page = 0; page < this.options.maxPages; page++) {
      const recovered = await this.db.platform((em) => scans.recoverOrphans(em, idleMs, this.options.batchSize));
      for (const p of recovered) {
        if (p.action === 'check') checked++;
        else retried++;
        this.logger.warn(
          { paymentId: p.id, merchantId: p.merchant_id, action: p.action, trigger: payload.trigger },
          'pending payment had nothing scheduled; handed back',
        );
      }
      if (recovered.length < this.options.batchSize) break;
    }
    return { checked, retried };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@lsp/platform';
import {
  Database,
  markWalletBelow,
  raiseAlert,
  resolveAlertByFingerprint,
  walletThresholdPage,
} from '@lsp/persistence';
import type { ScheduledRunPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { LOGGER } from '../core/tokens';

const PAGE = 500;

export const walletLowFingerprint = (merchantId: string, currency: string): string =>
  `wallet-low:${merchantId}:${currency}`;

/**
 * Wallet Balance Monitor: compares each merchant's available balance with its low-balance threshold. The alert
 * is raised once when the wallet crosses below (the row remembers `below_since`), not on every check, and
 * resolved once it is back at or above the threshold. State change and alert commit together.
 */
@Injectable()
@ProcessesJob('ledger', 'monitor-wallet-balances')
export class MonitorWalletBalancesProcessor implements JobProcessor<'ledger', 'monitor-wallet-balances'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: ScheduledRunPayload): Promise<{ checked: number; raised: number; resolved: number }> {
    let after = '';
    let checked = 0;
    let raised = 0;
    let resolved = 0;
    for (;;) {
      const page = await this.db.platform(async (em) => {
        const rows = await walletThresholdPage(em, after, PAGE);
        for (const row of rows) {
          const balance = Number(row.balance);
          const threshold = Number(row.low_balance_threshold);
          const fingerprint = walletLowFingerprint(row.merchant_id, row.currency);
          if (balance < threshold && row.below_since === null) {
            await raiseAlert(em, {
              fingerprint,
              severity: 'warning',
              source: 'workers/ledger',
              title: `Wallet low: ${row.merchant_id} ${row.currency}`,
              message: `available balance ${balance} ${row.currency} fell below the threshold of ${threshold}`,
              details: { merchantId: row.merchant_id, currency: row.currency, balance, threshold },
              merchantId: row.merchant_id,
            });
            await markWalletBelow(em, row.merchant_id, row.currency, true);
            raised++;
          } else if (balance >= threshold && row.below_since !== null) {
            await resolveAlertByFingerprint(em, fingerprint);
            await markWalletBelow(em, row.merchant_id, row.currency, false);
            resolved++;
          }
        }
        return rows;
      });
      checked += page.length;
      if (page.length < PAGE) break;
      const last = page[page.length - 1];
      after = `${last.merchant_id}:${last.currency}`;
    }
    if (raised || resolved)
      this.logger.info({ checked, raised, resolved, trigger: payload.trigger }, 'wallets checked');
    return { checked, raised, resolved };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig, Logger } from '@lsp/platform';
import type { DeliverAlertPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, LOGGER } from '../core/tokens';
import { logAlert, postAlertWebhook } from './alert-channels';

export type DeliverAlertResult =
  | { channel: 'webhook'; status: number }
  | { channel: 'log' }
  | { channel: DeliverAlertPayload['channel']; skipped: 'channel disabled' };

/** Sends one alert change to one channel; a failure throws and BullMQ retries it with backoff. */
@Injectable()
@ProcessesJob('alert-deliveries', 'deliver-alert')
export class DeliverAlertProcessor implements JobProcessor<'alert-deliveries', 'deliver-alert'> {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: DeliverAlertPayload): Promise<DeliverAlertResult> {
    switch (payload.channel) {
      case 'webhook': {
        // Configuration changed since dispatch (the URL was removed): nothing to send to.
        if (!this.config.alertWebhookUrl) return { channel: 'webhook', skipped: 'channel disabled' };
        const status = await postAlertWebhook(this.config.alertWebhookUrl, payload);
        return { channel: 'webhook', status };
      }
      case 'log':
        if (!this.config.alertLogChannel) return { channel: 'log', skipped: 'channel disabled' };
        logAlert(this.logger.child({ component: 'alert-channel' }), payload);
        return { channel: 'log' };
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig, Logger } from '@lsp/platform';
import {
  Database,
  lockPendingAlertNotifications,
  markAlertNotificationsDispatched,
  toAlertView,
} from '@lsp/persistence';
import { type BulkJob, type ScheduledRunPayload, addJobs, jobId, publishStreamMessage } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, LOGGER, REDIS } from '../core/tokens';
import { enabledAlertChannels } from './alert-channels';
import { DeclaredQueues } from '../core/declared-queues';

/** Notifications per transaction, and transactions per run (the rest waits for the next tick). */
const BATCH = 100;
const MAX_BATCHES = 10;

/**
 * Moves alert changes from `alert_notifications` (written with the change itself) to the `alerts` stream and to
 * one `deliver-alert` job per channel, then marks them dispatched — in the transaction that holds their row
 * locks, so a crash before the commit dispatches them again (at least once: a stream message may repeat, a
 * delivery job does not, its id being the notification and channel). Channels never hold up this step: a down
 * chat tool only keeps its own delivery job retrying.
 */
@Injectable()
@ProcessesJob('alerts', 'dispatch-alert-notifications')
export class DispatchAlertNotificationsProcessor implements JobProcessor<'alerts', 'dispatch-alert-notifications'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(DeclaredQueues) private readonly queues: DeclaredQueues,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(_payload: ScheduledRunPayload): Promise<{ dispatched: number }> {
    const channels = enabledAlertChannels(this.config);
    let dispatched = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const n = await this.db.platform(async (em) => {
        const pending = await lockPendingAlertNotifications(em, BATCH);
        const jobs: BulkJob<'alert-deliveries'>[] = [];
        for (const notification of pending) {
          const alert = toAlertView(notification.alert);
          await publishStreamMessage(this.redis, this.config, 'alerts', {
            type: `alert.${notification.kind}`,
            data: alert,
            merchantId: alert.merchantId,
          });
          for (const channel of channels) {
            jobs.push({
              job: 'deliver-alert',
              payload: { notificationId: notification.id, channel, kind: notification.kind, alert: { ...alert } },
              options: { jobId: jobId('alert-deliveries', 'deliver-alert', notification.id, channel) },
            });
          }
        }
        await addJobs(this.queues.get('alert-deliveries'), 'alert-deliveries', jobs);
        await markAlertNotificationsDispatched(
          em,
          pending.map((p) => p.id),
        );
        return pending.length;
      });
      dispatched += n;
      if (n < BATCH) break;
    }
    if (dispatched > 0) this.logger.debug({ dispatched, channels }, 'alert notifications dispatched');
    return { dispatched };
  }
}

import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { type AppConfig } from '@lsp/platform';
import { addJob, bullConnection, bullPrefix, jobId, queueRegistration } from '@lsp/queues';
import { ApiException } from '../core/http/api.exception';
import { APP_CONFIG } from '../core/infra/tokens';

/** The API's producer for the `gateways` queue (the workers run the jobs). */
@Injectable()
export class GatewayJobs implements OnModuleDestroy {
  private readonly queue: Queue;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { name, defaultJobOptions } = queueRegistration('gateways');
    this.queue = new Queue(name, {
      connection: bullConnection(config, 'api-gateways-queue'),
      prefix: bullPrefix(config),
      defaultJobOptions,
    });
    // Connection trouble surfaces on add (→ 503); the listener keeps it from being an unhandled error.
    this.queue.on('error', () => undefined);
  }

  /** Returns the job id; a request-unique id, so two admins asking twice get two runs (each one is harmless). */
  async requestReencryption(requestedBy: string): Promise<string> {
    const id = jobId(
      'gateways',
      'reencrypt-gateway-secrets',
      'manual',
      `${Date.now()}-${randomBytes(4).toString('hex')}`,
    );
    try {
      await Promise.race([
        addJob(this.queue, 'gateways', 'reencrypt-gateway-secrets', { trigger: 'manual', requestedBy }, { jobId: id }),
        new Promise((_, reject) => setTimeout(() => reject(new Error('queue add timed out')), 2000).unref()),
      ]);
    } catch {
      throw ApiException.unavailable('The job queue is unavailable; retry shortly');
    }
    return id;
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }
}

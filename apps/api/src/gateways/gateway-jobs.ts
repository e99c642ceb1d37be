import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { addJob, jobId } from '@lsp/queues';
import { ApiException } from '../core/http/api.exception';
import { QueueRegistry } from '../queues/queue-registry';

/** The API's producer for the `gateways` queue (the workers run the jobs). */
@Injectable()
export class GatewayJobs {
  constructor(private readonly queues: QueueRegistry) {}

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
        addJob(
          this.queues.get('gateways'),
          'gateways',
          'reencrypt-gateway-secrets',
          { trigger: 'manual', requestedBy },
          { jobId: id },
        ),
        new Promise((_, reject) => setTimeout(() => reject(new Error('queue add timed out')), 2000).unref()),
      ]);
    } catch {
      throw ApiException.unavailable('The job queue is unavailable; retry shortly');
    }
    return id;
  }
}

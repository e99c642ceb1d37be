import { Injectable } from '@nestjs/common';

/** Counters reported in the heartbeat; fed by the BullMQ worker events of every served queue. */
@Injectable()
export class WorkerStats {
  processed = 0;
  failed = 0;
  /** Jobs running now in this process, across its queues. */
  active = 0;
}

import { Module } from '@nestjs/common';
import { QueueRegistry } from './queue-registry';

/** The API's one set of BullMQ queue handles, for every context that enqueues or inspects jobs. */
@Module({
  providers: [QueueRegistry],
  exports: [QueueRegistry],
})
export class QueueRegistryModule {}

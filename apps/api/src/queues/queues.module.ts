import { Module } from '@nestjs/common';
import { QueueHistoryRepository } from './queue-history.repository';
import { QueueRegistry } from './queue-registry';
import { QueuesController } from './queues.controller';
import { QueuesService } from './queues.service';

@Module({
  controllers: [QueuesController],
  providers: [QueueRegistry, QueuesService, QueueHistoryRepository],
  exports: [QueueRegistry, QueuesService],
})
export class QueuesModule {}

import { Module } from '@nestjs/common';
import { QueueRegistry } from './queue-registry';
import { QueuesController } from './queues.controller';
import { QueuesService } from './queues.service';

@Module({
  controllers: [QueuesController],
  providers: [QueueRegistry, QueuesService],
  exports: [QueueRegistry, QueuesService],
})
export class QueuesModule {}

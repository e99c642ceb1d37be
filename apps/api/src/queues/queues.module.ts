import { Module } from '@nestjs/common';
import { QueueHistoryRepository } from './queue-history.repository';
import { QueueRegistryModule } from './queue-registry.module';
import { QueuesController } from './queues.controller';
import { QueuesService } from './queues.service';

@Module({
  imports: [QueueRegistryModule],
  controllers: [QueuesController],
  providers: [QueuesService, QueueHistoryRepository],
  exports: [QueuesService],
})
export class QueuesModule {}

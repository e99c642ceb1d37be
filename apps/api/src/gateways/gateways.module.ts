import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { QueueRegistryModule } from '../queues/queue-registry.module';
import { GatewayCacheInvalidation } from './gateway-cache-invalidation';
import { GatewayJobs } from './gateway-jobs';
import { GatewaysController } from './gateways.controller';
import { GatewaysRepository } from './gateways.repository';
import { GatewaysService } from './gateways.service';

@Module({
  // PaymentsModule owns the process's GatewayDirectory (the one whose cache must be dropped) and circuit breaker.
  imports: [PaymentsModule, QueueRegistryModule],
  controllers: [GatewaysController],
  providers: [GatewaysService, GatewaysRepository, GatewayCacheInvalidation, GatewayJobs],
})
export class GatewaysModule {}

import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { GatewayCacheInvalidation } from './gateway-cache-invalidation';
import { GatewaysController } from './gateways.controller';
import { GatewaysRepository } from './gateways.repository';
import { GatewaysService } from './gateways.service';

@Module({
  // PaymentsModule owns the process's GatewayDirectory: the one whose cache must be dropped.
  imports: [PaymentsModule],
  controllers: [GatewaysController],
  providers: [GatewaysService, GatewaysRepository, GatewayCacheInvalidation],
})
export class GatewaysModule {}

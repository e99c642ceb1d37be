import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { AdminPaymentsController } from './admin-payments.controller';
import { AdminPaymentsRepository } from './admin-payments.repository';
import { AdminPaymentsService } from './admin-payments.service';

@Module({
  imports: [PaymentsModule],
  controllers: [AdminPaymentsController],
  providers: [AdminPaymentsService, AdminPaymentsRepository],
})
export class AdminPaymentsModule {}

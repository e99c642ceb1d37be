import { Module } from '@nestjs/common';
import { AdminUsageController } from '../developer/admin-usage.controller';
import { DeveloperController } from '../developer/developer.controller';
import { UsageRecorder } from '../developer/usage-recorder';
import { UsageService } from '../developer/usage.service';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { MerchantsController } from './merchants.controller';
import { MerchantsRepository } from './merchants.repository';
import { MerchantsService } from './merchants.service';

@Module({
  imports: [RateLimitModule],
  controllers: [MerchantsController, DeveloperController, AdminUsageController],
  providers: [MerchantsService, MerchantsRepository, ApiKeyAuthenticator, UsageService, UsageRecorder],
  exports: [MerchantsService, ApiKeyAuthenticator],
})
export class MerchantsModule {}

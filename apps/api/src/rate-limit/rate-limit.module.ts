import { Module } from '@nestjs/common';
import { MerchantRateLimits } from './merchant-rate-limits';
import { RateLimiter } from './rate-limiter';

@Module({ providers: [RateLimiter, MerchantRateLimits], exports: [RateLimiter, MerchantRateLimits] })
export class RateLimitModule {}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';

export class AnalyticsOverviewQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Inclusive; default `to` minus 24 hours' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'from must be an ISO-8601 instant' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Exclusive; default now' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'to must be an ISO-8601 instant' })
  to?: string;

  @ApiPropertyOptional({ description: 'Only this merchant' })
  @IsOptional()
  @Matches(/^mer_[0-9A-Z]{26}$/, { message: 'merchantId must be a merchant id' })
  merchantId?: string;

  @ApiPropertyOptional({ enum: ['hour', 'day'], description: 'Time series buckets; default hour up to 48 h, else day' })
  @IsOptional()
  @IsIn(['hour', 'day'], { message: 'granularity must be hour or day' })
  granularity?: 'hour' | 'day';
}

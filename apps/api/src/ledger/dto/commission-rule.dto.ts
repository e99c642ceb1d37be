import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { GATEWAY_PROVIDERS, PAYMENT_METHODS } from '@lsp/contracts';
import { COMMISSION_LIMITS, CURRENCIES } from '@lsp/domain';

const MERCHANT_ID = /^mer_[0-9A-Z]{26}$/;
const CURRENCY_MESSAGE = { message: 'currency must be a supported ISO 4217 code in upper case' };

/** One rule. Absent (or null) scope fields match every value; a rule without any is the platform default. */
export class CommissionRuleDto {
  @ApiPropertyOptional({ nullable: true, example: 'mer_01JB…' })
  @IsOptional()
  @Matches(MERCHANT_ID, { message: 'merchantId must be a merchant id (mer_…)' })
  merchantId?: string | null;

  @ApiPropertyOptional({ nullable: true, enum: GATEWAY_PROVIDERS })
  @IsOptional()
  @IsIn(GATEWAY_PROVIDERS)
  provider?: (typeof GATEWAY_PROVIDERS)[number] | null;

  @ApiPropertyOptional({ nullable: true, enum: PAYMENT_METHODS })
  @IsOptional()
  @IsIn(PAYMENT_METHODS)
  method?: (typeof PAYMENT_METHODS)[number] | null;

  @ApiPropertyOptional({ nullable: true, example: 'INR' })
  @IsOptional()
  @IsIn(CURRENCIES, CURRENCY_MESSAGE)
  currency?: string | null;

  @ApiProperty({ minimum: 0, maximum: COMMISSION_LIMITS.maxPercentBps, description: 'Basis points: 250 = 2.5 %' })
  @IsInt()
  @Min(0)
  @Max(COMMISSION_LIMITS.maxPercentBps)
  percentBps!: number;

  @ApiPropertyOptional({ minimum: 0, maximum: COMMISSION_LIMITS.maxFixedAmount, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(COMMISSION_LIMITS.maxFixedAmount)
  fixedAmount?: number;

  @ApiPropertyOptional({ nullable: true, minimum: 0, maximum: COMMISSION_LIMITS.maxFixedAmount })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(COMMISSION_LIMITS.maxFixedAmount)
  minAmount?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0, maximum: COMMISSION_LIMITS.maxFixedAmount })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(COMMISSION_LIMITS.maxFixedAmount)
  maxAmount?: number | null;
}

/** The whole rule set: it replaces the current one as a new version. */
export class PutCommissionRulesDto {
  @ApiProperty({ type: [CommissionRuleDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => CommissionRuleDto)
  rules!: CommissionRuleDto[];
}

export class CommissionRulesQueryDto {
  @ApiPropertyOptional({ description: 'A past version; the current one when absent' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  version?: number;
}

export class CommissionPreviewDto {
  @ApiProperty({ minimum: 1, example: 10000, description: 'Minor units' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @ApiProperty({ example: 'INR' })
  @IsIn(CURRENCIES, CURRENCY_MESSAGE)
  currency!: string;

  @ApiProperty({ example: 'mer_01JB…' })
  @Matches(MERCHANT_ID, { message: 'merchantId must be a merchant id (mer_…)' })
  merchantId!: string;

  @ApiProperty({ enum: GATEWAY_PROVIDERS })
  @IsIn(GATEWAY_PROVIDERS)
  provider!: (typeof GATEWAY_PROVIDERS)[number];

  @ApiProperty({ enum: PAYMENT_METHODS })
  @IsIn(PAYMENT_METHODS)
  method!: (typeof PAYMENT_METHODS)[number];

  @ApiPropertyOptional({
    type: [CommissionRuleDto],
    description: 'A draft rule set to preview; the current when absent',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => CommissionRuleDto)
  rules?: CommissionRuleDto[];
}

export class ReconciliationQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Also run every check now' })
  @IsOptional()
  @IsIn(['true', 'false'])
  live?: 'true' | 'false';
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MERCHANT_STATUSES, type MerchantStatus, SETTLEMENT_SCHEDULES, type SettlementSchedule } from '@lsp/contracts';
import { ListQueryDto } from '../../core/http/pagination';

export class CreateMerchantDto {
  @ApiProperty({ example: 'Acme Retail Pvt Ltd' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'payments@acme.in' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiPropertyOptional({ enum: SETTLEMENT_SCHEDULES, default: 'T+1' })
  @IsOptional()
  @IsIn(SETTLEMENT_SCHEDULES)
  settlementSchedule?: SettlementSchedule;

  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000, default: 600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rateLimitPerMinute?: number;
}

export class UpdateMerchantDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;

  @ApiPropertyOptional({ enum: MERCHANT_STATUSES }) @IsOptional() @IsIn(MERCHANT_STATUSES) status?: MerchantStatus;

  @ApiPropertyOptional({ enum: SETTLEMENT_SCHEDULES })
  @IsOptional()
  @IsIn(SETTLEMENT_SCHEDULES)
  settlementSchedule?: SettlementSchedule;

  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rateLimitPerMinute?: number;
}

export class ListMerchantsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: MERCHANT_STATUSES }) @IsOptional() @IsIn(MERCHANT_STATUSES) status?: MerchantStatus;
}

export class CreateApiKeyDto {
  @ApiPropertyOptional({ enum: ['test', 'live'], default: 'test' }) @IsOptional() @IsIn(['test', 'live']) mode?:
    | 'test'
    | 'live';
}

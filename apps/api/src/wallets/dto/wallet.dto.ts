import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';
import { CURRENCIES } from '@lsp/domain';
import type { WalletAccountKind } from '@lsp/contracts';

export const WALLET_ACCOUNTS: readonly WalletAccountKind[] = [
  'merchant_pending',
  'merchant_available',
  'merchant_settled',
];

export class StatementQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Id of the last line of the previous page (ent_…)' })
  @IsOptional()
  @Matches(/^ent_[0-9A-Z]{26}$/, { message: 'startingAfter must be a statement line id (ent_…)' })
  startingAfter?: string;

  @ApiPropertyOptional({ description: 'Only lines in this currency', example: 'INR' })
  @IsOptional()
  @IsIn(CURRENCIES, { message: 'currency must be a supported ISO 4217 code in upper case' })
  currency?: string;

  @ApiPropertyOptional({ enum: WALLET_ACCOUNTS, description: 'Only lines of this wallet account' })
  @IsOptional()
  @IsIn(WALLET_ACCOUNTS)
  account?: WalletAccountKind;

  @ApiPropertyOptional({ description: 'Lines created at or after this instant (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 instant' })
  from?: string;

  @ApiPropertyOptional({ description: 'Lines created before this instant (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 instant' })
  to?: string;
}

export class SetLowBalanceThresholdDto {
  @ApiProperty({ example: 'INR' })
  @IsIn(CURRENCIES, { message: 'currency must be a supported ISO 4217 code in upper case' })
  currency!: string;

  @ApiProperty({
    nullable: true,
    description: 'Minor units of `currency`; null removes the threshold',
    example: 500000,
  })
  @ValidateIf((o: SetLowBalanceThresholdDto) => o.threshold !== null)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000_000)
  threshold!: number | null;
}

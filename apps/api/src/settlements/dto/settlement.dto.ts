import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import type { SettlementStatusView } from '@lsp/contracts';
import { ListQueryDto } from '../../core/http/pagination';

const STATUSES: SettlementStatusView[] = ['processing', 'paid', 'failed'];
const MERCHANT_ID = /^mer_[0-9A-Z]{26}$/;

/** A merchant's own settlements: newest first, by status, currency and creation date. */
export class ListSettlementsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: SettlementStatusView;

  @ApiPropertyOptional({ example: 'INR' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an upper-case ISO 4217 code' })
  currency?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdTo?: string;
}

/** Staff see every merchant's settlements, optionally one merchant's. */
export class AdminListSettlementsQueryDto extends ListSettlementsQueryDto {
  @ApiPropertyOptional({ example: 'mer_01JAZ3NDEKTSV4RRFFQ69G5FAV' })
  @IsOptional()
  @Matches(MERCHANT_ID, { message: 'merchantId must be a merchant id' })
  merchantId?: string;
}

export class SettlementFormatQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: every item, streamed' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class RunSettlementsDto {
  @ApiPropertyOptional({ description: 'Settle only this merchant (default: every merchant)' })
  @IsOptional()
  @Matches(MERCHANT_ID, { message: 'merchantId must be a merchant id' })
  merchantId?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Settle what was captured up to this instant (default: now); not in the future',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  cutoff?: string;
}

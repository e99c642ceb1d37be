import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { ListPaymentsQueryDto } from '../../payments/dto/payment.dto';

/** The merchant list's filters plus `merchantId`: staff search every merchant's payments. */
export class AdminListPaymentsQueryDto extends ListPaymentsQueryDto {
  @ApiPropertyOptional({ description: 'Only this merchant’s payments', example: 'mer_01JAZ3NDEKTSV4RRFFQ69G5FAV' })
  @IsOptional()
  @Matches(/^mer_[0-9A-Z]{26}$/, { message: 'merchantId must be a merchant id' })
  merchantId?: string;
}

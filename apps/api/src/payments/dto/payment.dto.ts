import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { PAYMENT_METHODS, type PaymentMethod, type PaymentStatusView } from '@lsp/contracts';
import { ListQueryDto } from '../../core/http/pagination';

const METADATA_MAX_KEYS = 20;
const METADATA_MAX_KEY = 40;
const METADATA_MAX_VALUE = 500;

/** Stripe's metadata rules: a flat map of at most 20 string values, keys ≤ 40 and values ≤ 500 characters. */
function IsMetadata(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isMetadata',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `metadata must map at most ${METADATA_MAX_KEYS} keys (≤ ${METADATA_MAX_KEY} chars) to strings (≤ ${METADATA_MAX_VALUE} chars)`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          const entries = Object.entries(value as Record<string, unknown>);
          return (
            entries.length <= METADATA_MAX_KEYS &&
            entries.every(
              ([k, v]) =>
                k.length > 0 && k.length <= METADATA_MAX_KEY && typeof v === 'string' && v.length <= METADATA_MAX_VALUE,
            )
          );
        },
      },
    });
}

export class CustomerDto {
  @ApiPropertyOptional({ example: 'a@b.in' })
  @IsOptional()
  @IsEmail({}, { message: 'customer.email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: '+919900000000' })
  @IsOptional()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'customer.phone must be in E.164 form, e.g. +919900000000' })
  phone?: string;
}

export class CreatePaymentDto {
  @ApiProperty({ example: 10000, description: 'Integer amount in the minor unit of the currency (paise for INR)' })
  @IsInt({ message: 'amount must be an integer number of minor units' })
  @Min(1, { message: 'amount must be at least 1' })
  amount!: number;

  @ApiProperty({ example: 'INR' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an upper-case ISO 4217 code, e.g. INR' })
  currency!: string;

  @ApiProperty({ enum: PAYMENT_METHODS })
  @IsIn(PAYMENT_METHODS)
  method!: PaymentMethod;

  @ApiPropertyOptional({ example: 'Order #42' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ type: CustomerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer?: CustomerDto;

  @ApiPropertyOptional({ example: 'https://shop.example/return' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  returnUrl?: string;

  @ApiPropertyOptional({ example: { orderId: '42' } })
  @IsOptional()
  @IsMetadata()
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Preferred gateway code; used first when it can take the payment' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9_-]{1,39}$/, { message: 'gateway must be a gateway code' })
  gateway?: string;
}

const STATUSES: PaymentStatusView[] = [
  'created',
  'pending',
  'captured',
  'failed',
  'cancelled',
  'partially_refunded',
  'refunded',
];

export class ListPaymentsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: PaymentStatusView;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdFrom?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdTo?: string;
}

export class CreateRefundDto {
  @ApiPropertyOptional({ description: 'Minor units; defaults to everything still refundable' })
  @IsOptional()
  @IsInt({ message: 'amount must be an integer number of minor units' })
  @Min(1, { message: 'amount must be at least 1' })
  amount?: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

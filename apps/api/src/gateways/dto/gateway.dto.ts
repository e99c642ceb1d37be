import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { GATEWAY_PROVIDERS, type GatewayProviderName, PAYMENT_METHODS, type PaymentMethod } from '@lsp/contracts';

const CODE = /^[a-z0-9][a-z0-9_-]{1,39}$/;
const CODE_MESSAGE = 'code must be 2 to 40 lower-case letters, digits, _ or -, starting with a letter or digit';

export class CreateGatewayDto {
  @ApiProperty({ example: 'razorpay-main' }) @IsString() @Matches(CODE, { message: CODE_MESSAGE }) code!: string;

  @ApiProperty({ example: 'Razorpay (main)' }) @IsString() @MinLength(1) @MaxLength(100) name!: string;

  @ApiProperty({ enum: GATEWAY_PROVIDERS })
  @IsIn(GATEWAY_PROVIDERS, { message: `provider must be one of ${GATEWAY_PROVIDERS.join(', ')}` })
  provider!: GatewayProviderName;

  @ApiProperty({ minimum: 0, maximum: 100000, description: 'Lower is tried first' })
  @IsInt()
  @Min(0)
  @Max(100_000)
  priority!: number;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;

  @ApiProperty({ example: ['INR'] })
  @ArrayNotEmpty()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  currencies!: string[];

  @ApiProperty({ enum: PAYMENT_METHODS, isArray: true })
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(PAYMENT_METHODS, { each: true, message: `each value in methods must be one of ${PAYMENT_METHODS.join(', ')}` })
  methods!: PaymentMethod[];

  @ApiPropertyOptional({ description: 'Provider settings (not secret); sandbox: mode, failureRate, latencyMs, ...' })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Write-only; validated per provider, encrypted at rest, masked on read' })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Write-only; generated when absent and shown once in the create response' })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  webhookSecret?: string;
}

/** Partial update; `provider` cannot change (the credentials belong to it). Credentials are replaced only when given. */
export class UpdateGatewayDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(CODE, { message: CODE_MESSAGE }) code?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  priority?: number;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @ArrayNotEmpty()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  currencies?: string[];

  @ApiPropertyOptional({ enum: PAYMENT_METHODS, isArray: true })
  @IsOptional()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(PAYMENT_METHODS, { each: true, message: `each value in methods must be one of ${PAYMENT_METHODS.join(', ')}` })
  methods?: PaymentMethod[];

  @ApiPropertyOptional() @IsOptional() @IsObject() config?: Record<string, unknown>;

  @ApiPropertyOptional() @IsOptional() @IsObject() credentials?: Record<string, unknown>;

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(16) @MaxLength(200) webhookSecret?: string;
}

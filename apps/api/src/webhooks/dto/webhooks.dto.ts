import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from '@lsp/webhooks';
import { ListQueryDto } from '../../core/http/pagination';

const MERCHANT_ID = /^mer_[0-9A-Z]{26}$/;

/** Staff name the merchant they act for; a merchant's own key or user may leave it out. */
export class MerchantScopeQueryDto {
  @ApiPropertyOptional({ description: 'Staff only: the merchant to act for' })
  @IsOptional()
  @Matches(MERCHANT_ID, { message: 'merchantId must be a merchant id (mer_…)' })
  merchantId?: string;
}

export class ListWebhookEndpointsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Staff only: the merchant to act for' })
  @IsOptional()
  @Matches(MERCHANT_ID, { message: 'merchantId must be a merchant id (mer_…)' })
  merchantId?: string;
}

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://shop.example.com/webhooks/lightspeedpay' })
  @IsString({ message: 'url must be a string' })
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsArray({ message: 'events must be an array of event types' })
  @ArrayNotEmpty({ message: 'events must name at least one event type' })
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: `events may only hold ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  events!: string[];

  @ApiPropertyOptional({ example: 'Order service' })
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'url must be a string' })
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsOptional()
  @IsArray({ message: 'events must be an array of event types' })
  @ArrayNotEmpty({ message: 'events must name at least one event type' })
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: `events may only hold ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  events?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ enum: ['enabled', 'disabled'] })
  @IsOptional()
  @IsIn(['enabled', 'disabled'], { message: 'status must be enabled or disabled' })
  status?: 'enabled' | 'disabled';
}

export class RedeliverFailedDto {
  @ApiProperty({
    description: 'Redeliver every delivery to this endpoint that failed and was created at or after this instant',
  })
  @IsISO8601({ strict: true }, { message: 'since must be an ISO-8601 instant' })
  since!: string;
}

export class RedeliverEventDto {
  @ApiPropertyOptional({ description: 'Only this endpoint (also one that had no delivery of the event yet)' })
  @IsOptional()
  @Matches(/^whe_[0-9A-Z]{26}$/, { message: 'endpointId must be a webhook endpoint id (whe_…)' })
  endpointId?: string;
}

export class ListEventsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Staff only: the merchant to act for' })
  @IsOptional()
  @Matches(MERCHANT_ID, { message: 'merchantId must be a merchant id (mer_…)' })
  merchantId?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES })
  @IsOptional()
  @IsIn(WEBHOOK_EVENT_TYPES, { message: `type must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  type?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 instant (inclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'createdFrom must be an ISO-8601 instant' })
  createdFrom?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 instant (exclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'createdTo must be an ISO-8601 instant' })
  createdTo?: string;
}

export class SendTestWebhookDto {
  @ApiProperty()
  @Matches(/^whe_[0-9A-Z]{26}$/, { message: 'endpointId must be a webhook endpoint id (whe_…)' })
  endpointId!: string;

  @ApiPropertyOptional({ enum: [TEST_EVENT_TYPE, ...WEBHOOK_EVENT_TYPES], default: TEST_EVENT_TYPE })
  @IsOptional()
  @IsIn([TEST_EVENT_TYPE, ...WEBHOOK_EVENT_TYPES], { message: `eventType must be ${TEST_EVENT_TYPE} or an event type` })
  eventType?: string;
}

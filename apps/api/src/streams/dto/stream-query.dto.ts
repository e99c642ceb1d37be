import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export const EVENT_ID_PATTERN = /^evt_[0-9A-Z]{26}$/;

export class StreamQueryDto {
  @ApiPropertyOptional({
    description:
      'Single-use ticket from POST /api/v1/streams/ticket, for clients that cannot send an Authorization header (EventSource)',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'ticket must be a stream ticket' })
  ticket?: string;

  @ApiPropertyOptional({
    description:
      'Resume after this message id (as the Last-Event-ID header, which takes precedence): an `evt_…` id on `transactions`, a `<ms>-<seq>` id on the other streams',
    example: 'evt_01JAZ3NDEKTSV4RRFFQ69G5FAV',
  })
  @IsOptional()
  @Matches(/^(evt_[0-9A-Z]{26}|\d{1,20}-\d{1,20})$/, { message: 'lastEventId must be a stream message id' })
  lastEventId?: string;
}

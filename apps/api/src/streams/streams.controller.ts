import { Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { StreamTicketResponse } from '@lsp/contracts';
import { AcceptsStreamTicket, CurrentPrincipal, RolesOrMerchant } from '../auth/access.decorators';
import type { Principal } from '../auth/principal';
import { StreamTickets } from '../auth/stream-tickets';
import { ApiException } from '../core/http/api.exception';
import { EVENT_ID_PATTERN, StreamQueryDto } from './dto/stream-query.dto';
import { StreamsService } from './streams.service';

/** Server-sent event streams (API.md §10). Staff see every merchant; a merchant only itself. */
@ApiTags('streams')
@Controller('api/v1/streams')
export class StreamsController {
  constructor(
    private readonly tickets: StreamTickets,
    private readonly streams: StreamsService,
  ) {}

  /** A single-use ticket (60 s) that opens one stream as the caller: `GET /api/v1/streams/<name>?ticket=…`. */
  @Post('ticket')
  @HttpCode(200)
  @RolesOrMerchant('admin', 'finance', 'sre')
  ticket(@CurrentPrincipal() principal: Principal): Promise<StreamTicketResponse> {
    return this.tickets.issue(principal);
  }

  /**
   * `text/event-stream` of payment and refund events: `id: evt_…`, `event: payment.captured`, `data: {id, type,
   * merchantId, aggregateType, aggregateId, occurredAt, data: {object}}`; a `: heartbeat` comment every 15 s.
   */
  @Get('transactions')
  @RolesOrMerchant('admin', 'finance', 'sre')
  @AcceptsStreamTicket()
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An open event stream' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id' })
  async transactions(
    @Query() query: StreamQueryDto,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.streams.openTransactions(reply, principal, resumePoint(lastEventIdHeader, query.lastEventId));
  }
}

/** EventSource sends the header on its own reconnects; a client that opens a fresh EventSource uses the query. */
function resumePoint(header: string | undefined, query: string | undefined): string | null {
  const value = header?.trim() || query;
  if (!value) return null;
  if (!EVENT_ID_PATTERN.test(value)) throw ApiException.invalid('Last-Event-ID', 'Last-Event-ID must be an event id');
  return value;
}

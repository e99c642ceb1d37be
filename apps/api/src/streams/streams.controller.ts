import { Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { StreamTicketResponse } from '@lsp/contracts';
import { STREAM_MESSAGE_ID_PATTERN, STREAM_NAMES, type StreamName, isStreamName } from '@lsp/queues';
import { AcceptsStreamTicket, CurrentPrincipal, RolesOrMerchant } from '../auth/access.decorators';
import type { Principal } from '../auth/principal';
import { StreamTickets } from '../auth/stream-tickets';
import { ApiException } from '../core/http/api.exception';
import { EVENT_ID_PATTERN, StreamQueryDto } from './dto/stream-query.dto';
import { ANY_STREAM_STAFF } from './stream-access';
import { StreamsService } from './streams.service';

/**
 * Server-sent event streams (API.md §10). The guard admits anyone who may open some stream; which stream a
 * principal may open, and which of its messages it sees, is decided per stream (stream-access.ts).
 */
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
  @RolesOrMerchant(...ANY_STREAM_STAFF)
  ticket(@CurrentPrincipal() principal: Principal): Promise<StreamTicketResponse> {
    return this.tickets.issue(principal);
  }

  /**
   * `text/event-stream`: `id: <message id>`, `event: <type>`, `data: <JSON>` and a `: heartbeat` comment every
   * 15 s. `transactions` carries outbox envelopes `{id: evt_…, type, merchantId, aggregateType, aggregateId,
   * occurredAt, data: {object}}`; the other streams carry `{id: <ms>-<seq>, stream, type, at, merchantId, data}`.
   * `transactions` and `settlements` are open to admin, finance, sre and merchants (their own messages only);
   * `alerts` to admin, finance and sre; `gateway-health`, `queue-stats`, `worker-health` and `system-status` to
   * admin and sre. A resume that cannot be exact first sends an id-less `stream.truncated` event.
   */
  @Get(':stream')
  @RolesOrMerchant(...ANY_STREAM_STAFF)
  @AcceptsStreamTicket()
  @ApiParam({ name: 'stream', enum: STREAM_NAMES })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An open event stream' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this message id' })
  async open(
    @Param('stream') stream: string,
    @Query() query: StreamQueryDto,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!isStreamName(stream)) throw ApiException.notFound('stream', stream.slice(0, 64));
    await this.streams.openStream(reply, stream, principal, resumePoint(stream, lastEventIdHeader, query.lastEventId));
  }
}

/** EventSource sends the header on its own reconnects; a client that opens a fresh EventSource uses the query. */
function resumePoint(stream: StreamName, header: string | undefined, query: string | undefined): string | null {
  const value = header?.trim() || query;
  if (!value) return null;
  const pattern = stream === 'transactions' ? EVENT_ID_PATTERN : STREAM_MESSAGE_ID_PATTERN;
  if (!pattern.test(value)) {
    throw ApiException.invalid('Last-Event-ID', `Last-Event-ID must be a message id of the ${stream} stream`);
  }
  return value;
}

import { Body, Controller, Get, Headers, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ListResponse, PaymentTimelineEntry, PaymentView } from '@lsp/contracts';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/principal';
import { IdParam } from '../core/http/id.pipe';
import { CreateRefundDto } from '../payments/dto/payment.dto';
import { idempotencyKey, sendTimed } from '../payments/payment-http';
import { AdminPaymentsService, CONSOLE_KEY_MAX } from './admin-payments.service';
import { AdminListPaymentsQueryDto } from './dto/admin-payment.dto';

@ApiTags('admin-payments')
@Controller('api/v1/admin/payments')
export class AdminPaymentsController {
  constructor(private readonly payments: AdminPaymentsService) {}

  @Get()
  @Roles('admin', 'finance', 'sre')
  list(@Query() query: AdminListPaymentsQueryDto): Promise<ListResponse<PaymentView>> {
    return this.payments.list(query);
  }

  @Get(':id')
  @Roles('admin', 'finance', 'sre')
  get(@IdParam('payment') id: string): Promise<PaymentView> {
    return this.payments.get(id);
  }

  /** The payment's events and its refunds', oldest first (from the transactional outbox). */
  @Get(':id/timeline')
  @Roles('admin', 'finance', 'sre')
  timeline(@IdParam('payment') id: string): Promise<ListResponse<PaymentTimelineEntry>> {
    return this.payments.timeline(id);
  }

  /** A refund on the merchant's behalf; audited as `payment.refund`. */
  @Post(':id/refunds')
  @Roles('admin', 'finance')
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: `1–${CONSOLE_KEY_MAX} characters` })
  async refund(
    @IdParam('payment') id: string,
    @Body() body: CreateRefundDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const started = performance.now();
    const result = await this.payments.refund(id, idempotencyKey(key, CONSOLE_KEY_MAX), body, actor);
    return sendTimed(reply, started, result);
  }
}

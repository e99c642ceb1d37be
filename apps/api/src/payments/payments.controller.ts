import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ListResponse, PaymentTimelineEntry, PaymentView, RefundView } from '@lsp/contracts';
import { CurrentPrincipal, MerchantAccess } from '../auth/access.decorators';
import type { Principal } from '../auth/principal';
import { IdParam } from '../core/http/id.pipe';
import { CreatePaymentDto, CreateRefundDto, ListPaymentsQueryDto } from './dto/payment.dto';
import { idempotencyKey, sendTimed } from './payment-http';
import { PaymentsService } from './payments.service';

@ApiTags('payments')
@Controller('api/v1')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('payments')
  @MerchantAccess()
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  async create(
    @Body() body: CreatePaymentDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const started = performance.now();
    const livemode = principal.kind === 'api_key' && principal.mode === 'live';
    const result = await this.payments.create(principal.merchantId as string, livemode, idempotencyKey(key), body);
    return sendTimed(reply, started, result);
  }

  @Get('payments')
  @MerchantAccess()
  list(
    @Query() query: ListPaymentsQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ListResponse<PaymentView>> {
    return this.payments.list(principal.merchantId as string, query);
  }

  @Get('payments/:id')
  @MerchantAccess()
  get(@IdParam('payment') id: string, @CurrentPrincipal() principal: Principal): Promise<PaymentView> {
    return this.payments.get(principal.merchantId as string, id);
  }

  /** The payment's events and its refunds', oldest first (from the transactional outbox). */
  @Get('payments/:id/timeline')
  @MerchantAccess()
  timeline(
    @IdParam('payment') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ListResponse<PaymentTimelineEntry>> {
    return this.payments.timeline(principal.merchantId as string, id);
  }

  @Post('payments/:id/cancel')
  @HttpCode(200)
  @MerchantAccess()
  cancel(@IdParam('payment') id: string, @CurrentPrincipal() principal: Principal): Promise<PaymentView> {
    return this.payments.cancel(principal.merchantId as string, id);
  }

  @Post('payments/:id/refunds')
  @MerchantAccess()
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  async refund(
    @IdParam('payment') id: string,
    @Body() body: CreateRefundDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const started = performance.now();
    const result = await this.payments.refund(principal.merchantId as string, id, idempotencyKey(key), body);
    return sendTimed(reply, started, result);
  }

  @Get('refunds/:id')
  @MerchantAccess()
  getRefund(@IdParam('refund') id: string, @CurrentPrincipal() principal: Principal): Promise<RefundView> {
    return this.payments.getRefund(principal.merchantId as string, id);
  }
}

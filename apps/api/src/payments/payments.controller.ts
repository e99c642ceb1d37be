import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ListResponse, PaymentView, RefundView } from '@lsp/contracts';
import { CurrentPrincipal, MerchantAccess } from '../auth/access.decorators';
import type { Principal } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import { IdParam } from '../core/http/id.pipe';
import { CreatePaymentDto, CreateRefundDto, ListPaymentsQueryDto } from './dto/payment.dto';
import { PaymentsService, type Timed } from './payments.service';

function idempotencyKey(value: string | undefined): string {
  if (value === undefined || value.length === 0) {
    throw ApiException.invalid(
      'Idempotency-Key',
      'The Idempotency-Key header is required (1–255 characters)',
      'idempotency_key_missing',
    );
  }
  if (value.length > 255)
    throw ApiException.invalid('Idempotency-Key', 'Idempotency-Key must be at most 255 characters');
  return value;
}

/**
 * Replays keep the first response's status; `Server-Timing` separates our own time from the gateway's so a slow
 * payment can be attributed at a glance.
 */
function send(reply: FastifyReply, started: number, result: Timed<unknown>): unknown {
  const total = performance.now() - started;
  void reply.status(result.status);
  if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
  void reply.header(
    'Server-Timing',
    `app;dur=${Math.max(0, total - result.gatewayMs).toFixed(1)}, gateway;dur=${result.gatewayMs.toFixed(1)}`,
  );
  return result.body;
}

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
    return send(reply, started, result);
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
    return send(reply, started, result);
  }

  @Get('refunds/:id')
  @MerchantAccess()
  getRefund(@IdParam('refund') id: string, @CurrentPrincipal() principal: Principal): Promise<RefundView> {
    return this.payments.getRefund(principal.merchantId as string, id);
  }
}

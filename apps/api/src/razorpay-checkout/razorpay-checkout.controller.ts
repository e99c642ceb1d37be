import { Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  RAZORPAY_CHECKOUT_CSP,
  RAZORPAY_CHECKOUT_SCRIPT_BODY,
  adapterFor,
  renderRazorpayCheckoutPage,
  verifyRazorpayCheckoutSignature,
} from '@lsp/gateways';
import { GatewayDirectory, PaymentProcessor } from '@lsp/payments';
import { Database } from '@lsp/persistence';
import { Public } from '../auth/access.decorators';
import { ApiException } from '../core/http/api.exception';
import { RazorpayCheckoutAnswerDto } from './razorpay-checkout.dto';
import { findRazorpayOrderAttempt } from './razorpay-checkout.repository';

const ORDER_ID = /^order_[A-Za-z0-9]{1,40}$/;

/**
 * The customer's side of a Razorpay payment (where the adapter's `nextAction` points): Checkout JS opened on our
 * page, and the server-side check of its answer. A valid `razorpay_signature` proves Razorpay authorised that
 * payment for that order; the capture itself is then confirmed by a status query (or the signed webhook) before the
 * payment is marked, so a forged or replayed answer can never capture anything.
 */
@ApiExcludeController()
@Controller('razorpay/checkout')
export class RazorpayCheckoutController {
  constructor(
    private readonly db: Database,
    private readonly gateways: GatewayDirectory,
    private readonly processor: PaymentProcessor,
  ) {}

  @Get('checkout.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=300')
  script(): string {
    return RAZORPAY_CHECKOUT_SCRIPT_BODY;
  }

  @Get(':orderId')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', RAZORPAY_CHECKOUT_CSP)
  async page(@Param('orderId') orderId: string): Promise<string> {
    const { attempt, payment, keyId } = await this.order(orderId);
    if (payment.status !== 'pending' || attempt.status !== 'pending') {
      throw ApiException.conflict('checkout_closed', 'This payment is no longer waiting for the customer');
    }
    return renderRazorpayCheckoutPage({
      orderId,
      keyId,
      amount: Number(payment.amount),
      currency: payment.currency,
      description: payment.description,
      customer: payment.customer,
      verifyUrl: `/razorpay/checkout/${orderId}/verify`,
      scriptUrl: '/razorpay/checkout/checkout.js',
    });
  }

  @Post(':orderId/verify')
  @Public()
  @HttpCode(200)
  async verify(
    @Param('orderId') orderId: string,
    @Body() answer: RazorpayCheckoutAnswerDto,
  ): Promise<{ paymentId: string; status: string; returnUrl: string | null }> {
    if (answer.razorpay_order_id !== orderId) {
      throw ApiException.invalid('razorpay_order_id', 'razorpay_order_id does not match the checkout order');
    }
    const { attempt, payment, gateway } = await this.order(orderId);
    const keySecret = gateway.credentials['keySecret'] ?? '';
    if (!verifyRazorpayCheckoutSignature(orderId, answer.razorpay_payment_id, answer.razorpay_signature, keySecret)) {
      throw ApiException.invalid('razorpay_signature', 'razorpay_signature does not verify', 'signature_invalid');
    }
    let status = payment.status as string;
    if (status === 'pending') {
      const found = await adapterFor('razorpay').getPaymentStatus(
        {
          attemptId: attempt.id,
          attemptNumber: attempt.attempt_number,
          gatewayReference: orderId,
          amount: Number(payment.amount),
          currency: payment.currency,
        },
        this.processor.context(gateway),
      );
      if (found.status === 'succeeded') {
        await this.processor.applyGatewayOutcome(attempt.id, {
          status: 'succeeded',
          gatewayReference: found.gatewayReference ?? orderId,
          amount: found.amount,
          currency: found.currency,
        });
        status = (await this.processor.view(payment.merchant_id, payment.id)).status;
      }
    }
    return { paymentId: payment.id, status, returnUrl: payment.return_url };
  }

  private async order(orderId: string) {
    if (!ORDER_ID.test(orderId)) throw ApiException.notFound('checkout', orderId.slice(0, 60));
    const found = await this.db.platform((em) => findRazorpayOrderAttempt(em, orderId));
    const gateway = found && (await this.gateways.byId(found.attempt.gateway_id));
    const keyId = gateway?.credentials['keyId'];
    if (!found || !gateway || !keyId) throw ApiException.notFound('checkout', orderId);
    return { ...found, gateway, keyId };
  }
}

import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { attemptIdFromSandboxReference, renderSandboxCheckoutPage } from '@lsp/gateways';
import { paymentsRepository as repo } from '@lsp/payments';
import { Database } from '@lsp/persistence';
import { Public } from '../auth/access.decorators';
import { ApiException } from '../core/http/api.exception';

/** The sandbox gateway's customer-facing page (API.md §5): where `nextAction.url` sends the customer. */
@ApiExcludeController()
@Controller('sandbox/checkout')
export class SandboxCheckoutController {
  constructor(private readonly db: Database) {}

  @Get(':reference')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async page(@Param('reference') reference: string): Promise<string> {
    const attemptId = attemptIdFromSandboxReference(reference);
    const found =
      attemptId &&
      (await this.db.platform(async (em) => {
        const attempt = await repo.findAttempt(em, attemptId);
        const payment = attempt && (await repo.findPayment(em, attempt.payment_id));
        return attempt && payment ? { attempt, payment } : null;
      }));
    if (!found) throw ApiException.notFound('checkout', reference.slice(0, 80));
    return renderSandboxCheckoutPage(reference, {
      amount: Number(found.payment.amount),
      currency: found.payment.currency,
      attemptNumber: found.attempt.attempt_number,
      description: found.payment.description ?? undefined,
      returnUrl: found.payment.return_url ?? undefined,
    });
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ApiKeyView, ListResponse } from '@lsp/contracts';
import { Database } from '@lsp/persistence';
import { CurrentPrincipal, MerchantAccess } from '../auth/access.decorators';
import type { Principal } from '../auth/principal';
import { MerchantsService } from '../merchants/merchants.service';

/** API.md §9: a merchant's own developer area. Runs in the merchant's RLS scope, never the platform's. */
@ApiTags('developer')
@Controller('api/v1/merchant')
export class DeveloperController {
  constructor(
    private readonly merchants: MerchantsService,
    private readonly db: Database,
  ) {}

  @Get('credentials')
  @MerchantAccess()
  async credentials(@CurrentPrincipal() principal: Principal): Promise<ListResponse<ApiKeyView>> {
    const merchantId = principal.merchantId as string;
    const data = await this.merchants.listApiKeys(merchantId, (work) => this.db.merchant(merchantId, work));
    return { object: 'list', data, hasMore: false };
  }
}

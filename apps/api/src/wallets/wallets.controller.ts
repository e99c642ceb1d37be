import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ListResponse, StatementLine, WalletView } from '@lsp/contracts';
import { CurrentActor, CurrentPrincipal, MerchantAccess, Roles } from '../auth/access.decorators';
import type { Actor, Principal } from '../auth/principal';
import { IdParam } from '../core/http/id.pipe';
import { ListQueryDto } from '../core/http/pagination';
import { Database } from '@lsp/persistence';
import { SetLowBalanceThresholdDto, StatementQueryDto } from './dto/wallet.dto';
import { WalletsService } from './wallets.service';

/** API.md §7: merchants' wallets for finance (and admins). Balances per currency, never summed across them. */
@ApiTags('wallets')
@Controller('api/v1/admin/wallets')
export class WalletsController {
  constructor(private readonly wallets: WalletsService) {}

  @Get()
  @Roles('admin', 'finance')
  list(@Query() query: ListQueryDto): Promise<ListResponse<WalletView>> {
    return this.wallets.list(query);
  }

  @Get(':merchantId')
  @Roles('admin', 'finance')
  get(@IdParam('merchant', 'merchantId') merchantId: string): Promise<WalletView> {
    return this.wallets.get(merchantId);
  }

  @Get(':merchantId/statement')
  @Roles('admin', 'finance')
  statement(
    @IdParam('merchant', 'merchantId') merchantId: string,
    @Query() query: StatementQueryDto,
  ): Promise<ListResponse<StatementLine>> {
    return this.wallets.statement(merchantId, query);
  }

  /** Addition to API.md: the Wallet Balance Monitor alerts when `available` falls below this. */
  @Put(':merchantId/low-balance-threshold')
  @Roles('admin', 'finance')
  setThreshold(
    @IdParam('merchant', 'merchantId') merchantId: string,
    @Body() body: SetLowBalanceThresholdDto,
    @CurrentActor() actor: Actor,
  ): Promise<WalletView> {
    return this.wallets.setThreshold(merchantId, body, actor);
  }
}

/** A merchant's own wallet (API key or merchant console user), read in the merchant's RLS scope. */
@ApiTags('wallets')
@Controller('api/v1/merchant/wallet')
export class MerchantWalletController {
  constructor(
    private readonly wallets: WalletsService,
    private readonly db: Database,
  ) {}

  @Get()
  @MerchantAccess()
  get(@CurrentPrincipal() principal: Principal): Promise<WalletView> {
    const merchantId = principal.merchantId as string;
    return this.wallets.get(merchantId, (work) => this.db.merchant(merchantId, work));
  }

  /** Addition to API.md: the merchant's own statement, as finance sees it. */
  @Get('statement')
  @MerchantAccess()
  statement(
    @CurrentPrincipal() principal: Principal,
    @Query() query: StatementQueryDto,
  ): Promise<ListResponse<StatementLine>> {
    const merchantId = principal.merchantId as string;
    return this.wallets.statement(merchantId, query, (work) => this.db.merchant(merchantId, work));
  }
}

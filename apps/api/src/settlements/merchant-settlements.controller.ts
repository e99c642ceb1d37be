import { Controller, Get, Query, type StreamableFile } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { ListResponse, SettlementDetailView, SettlementView } from '@lsp/contracts';
import { CurrentPrincipal, MerchantAccess } from '../auth/access.decorators';
import type { Principal } from '../auth/principal';
import { IdParam } from '../core/http/id.pipe';
import { ListSettlementsQueryDto, SettlementFormatQueryDto } from './dto/settlement.dto';
import { SettlementsService } from './settlements.service';

/** A merchant's own settlements (API key or merchant console user), in the merchant's row-level scope. */
@ApiTags('settlements')
@Controller('api/v1/merchant/settlements')
export class MerchantSettlementsController {
  constructor(private readonly settlements: SettlementsService) {}

  @Get()
  @MerchantAccess()
  list(
    @Query() query: ListSettlementsQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ListResponse<SettlementView>> {
    return this.settlements.list(principal.merchantId as string, query);
  }

  @Get(':id')
  @MerchantAccess()
  @ApiProduces('application/json', 'text/csv')
  get(
    @IdParam('settlement') id: string,
    @Query() query: SettlementFormatQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SettlementDetailView | StreamableFile> {
    const merchantId = principal.merchantId as string;
    return query.format === 'csv' ? this.settlements.csv(merchantId, id) : this.settlements.get(merchantId, id);
  }
}

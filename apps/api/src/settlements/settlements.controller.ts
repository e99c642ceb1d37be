import { Body, Controller, Get, HttpCode, Post, Query, type StreamableFile } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { ListResponse, SettlementDetailView, SettlementRunView, SettlementView } from '@lsp/contracts';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/principal';
import { IdParam } from '../core/http/id.pipe';
import { AdminListSettlementsQueryDto, RunSettlementsDto, SettlementFormatQueryDto } from './dto/settlement.dto';
import { SettlementsService } from './settlements.service';

/** API.md §7: every merchant's settlements for finance, and on-demand settlement runs. */
@ApiTags('settlements')
@Controller('api/v1/admin/settlements')
export class SettlementsController {
  constructor(private readonly settlements: SettlementsService) {}

  @Get()
  @Roles('admin', 'finance')
  list(@Query() query: AdminListSettlementsQueryDto): Promise<ListResponse<SettlementView>> {
    return this.settlements.list(null, query);
  }

  /**
   * Asks for a run: for `merchantId` (default every merchant), settle every net amount captured up to `cutoff`
   * (default now) that no settlement holds yet, whatever the merchant's schedule. Answers 202 with the run; audited as `settlement.run`.
   */
  @Post('run')
  @HttpCode(202)
  @Roles('admin', 'finance')
  run(@Body() body: RunSettlementsDto, @CurrentActor() actor: Actor): Promise<SettlementRunView> {
    return this.settlements.requestRun(body, actor);
  }

  @Get('runs/:id')
  @Roles('admin', 'finance')
  getRun(@IdParam('settlementRun') id: string): Promise<SettlementRunView> {
    return this.settlements.getRun(id);
  }

  @Get(':id')
  @Roles('admin', 'finance')
  @ApiProduces('application/json', 'text/csv')
  get(
    @IdParam('settlement') id: string,
    @Query() query: SettlementFormatQueryDto,
  ): Promise<SettlementDetailView | StreamableFile> {
    return query.format === 'csv' ? this.settlements.csv(null, id) : this.settlements.get(null, id);
  }
}

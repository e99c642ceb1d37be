import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type {
  CreatedGateway,
  GatewayHealthEntry,
  GatewayHealthHistory,
  GatewayReencryptRequested,
  GatewayTestResult,
  GatewayView,
  ListResponse,
} from '@lsp/contracts';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/principal';
import { IdParam } from '../core/http/id.pipe';
import { CreateGatewayDto, UpdateGatewayDto } from './dto/gateway.dto';
import { GatewayHealthHistoryQueryDto } from './dto/gateway-health-history-query.dto';
import { GatewaysService } from './gateways.service';

/** API.md §6. Admins manage gateways; `sre` may read them and their health. Static routes come before `:id`. */
@ApiTags('gateways')
@Controller('api/v1/admin/gateways')
export class GatewaysController {
  constructor(private readonly gateways: GatewaysService) {}

  @Get()
  @Roles('admin', 'sre')
  list(): Promise<ListResponse<GatewayView>> {
    return this.gateways.list();
  }

  @Post()
  @Roles('admin')
  create(@Body() body: CreateGatewayDto, @CurrentActor() actor: Actor): Promise<CreatedGateway> {
    return this.gateways.create(body, actor);
  }

  @Get('health')
  @Roles('admin', 'sre')
  health(): Promise<ListResponse<GatewayHealthEntry>> {
    return this.gateways.health();
  }

  /** Queues the re-encryption of every gateway's secrets under the newest ENCRYPTION_KEYS key; 202, audited. */
  @Post('reencrypt')
  @HttpCode(202)
  @Roles('admin')
  reencrypt(@CurrentActor() actor: Actor): Promise<GatewayReencryptRequested> {
    return this.gateways.requestReencryption(actor);
  }

  @Put('priority')
  @Roles('admin')
  @ApiBody({ schema: { type: 'array', items: { type: 'object', properties: { id: {}, priority: {} } } } })
  setPriorities(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<ListResponse<GatewayView>> {
    // Validated in the service: the global pipe does not look inside a top-level array.
    return this.gateways.setPriorities(body, actor);
  }

  @Get(':id')
  @Roles('admin', 'sre')
  get(@IdParam('gateway') id: string): Promise<GatewayView> {
    return this.gateways.get(id);
  }

  @Get(':id/health/history')
  @Roles('admin', 'sre')
  healthHistory(
    @IdParam('gateway') id: string,
    @Query() query: GatewayHealthHistoryQueryDto,
  ): Promise<GatewayHealthHistory> {
    return this.gateways.healthHistory(id, query);
  }

  @Put(':id')
  @Roles('admin')
  update(
    @IdParam('gateway') id: string,
    @Body() body: UpdateGatewayDto,
    @CurrentActor() actor: Actor,
  ): Promise<GatewayView> {
    return this.gateways.update(id, body, actor);
  }

  @Delete(':id')
  @HttpCode(200)
  @Roles('admin')
  remove(
    @IdParam('gateway') id: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ id: string; object: 'gateway'; deleted: true }> {
    return this.gateways.remove(id, actor);
  }

  @Post(':id/test')
  @HttpCode(200)
  @Roles('admin')
  test(@IdParam('gateway') id: string, @CurrentActor() actor: Actor): Promise<GatewayTestResult> {
    return this.gateways.test(id, actor);
  }
}

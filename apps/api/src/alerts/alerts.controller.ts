import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AlertView, ListResponse } from '@lsp/contracts';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/principal';
import { IdParam } from '../core/http/id.pipe';
import { AlertsService } from './alerts.service';
import { AlertQueryDto } from './dto/alert-query.dto';

/** API.md §10: the Alert Manager's alerts, newest first; acknowledge and resolve are audited. */
@ApiTags('alerts')
@Controller('api/v1/admin/alerts')
@Roles('admin', 'sre')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  list(@Query() query: AlertQueryDto): Promise<ListResponse<AlertView>> {
    return this.alerts.list(query);
  }

  @Get(':id')
  get(@IdParam('alert') id: string): Promise<AlertView> {
    return this.alerts.get(id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  acknowledge(@IdParam('alert') id: string, @CurrentActor() actor: Actor): Promise<AlertView> {
    return this.alerts.change(id, 'acknowledged', actor);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@IdParam('alert') id: string, @CurrentActor() actor: Actor): Promise<AlertView> {
    return this.alerts.change(id, 'resolved', actor);
  }
}

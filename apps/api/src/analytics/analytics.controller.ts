import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AnalyticsOverview } from '@lsp/contracts';
import { Roles } from '../auth/access.decorators';
import { AnalyticsService } from './analytics.service';
import { AnalyticsOverviewQueryDto } from './dto/analytics-query.dto';

/** API.md §10: the dashboard's figures, answered from the hourly rollups the workers maintain. */
@ApiTags('analytics')
@Controller('api/v1/admin/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('overview')
  @Roles('admin', 'sre', 'finance')
  overview(@Query() query: AnalyticsOverviewQueryDto): Promise<AnalyticsOverview> {
    return this.analytics.overview(query);
  }
}

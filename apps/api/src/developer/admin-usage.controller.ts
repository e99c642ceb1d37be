import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ApiUsageView } from '@lsp/contracts';
import { Roles } from '../auth/access.decorators';
import { IdParam } from '../core/http/id.pipe';
import { MerchantsService } from '../merchants/merchants.service';
import { UsageQueryDto } from './dto/developer.dto';
import { UsageService } from './usage.service';

/** A merchant's API usage as staff see it in the console's developer area (same figures as `/merchant/usage`). */
@ApiTags('developer')
@Controller('api/v1/admin/merchants')
export class AdminUsageController {
  constructor(
    private readonly merchants: MerchantsService,
    private readonly usageService: UsageService,
  ) {}

  @Get(':id/usage')
  @Roles('admin', 'sre')
  async usage(@IdParam('merchant') id: string, @Query() query: UsageQueryDto): Promise<ApiUsageView> {
    // An unknown merchant is a 404, not an empty report.
    await this.merchants.get(id);
    return this.usageService.usage(id, query.from, query.to);
  }
}

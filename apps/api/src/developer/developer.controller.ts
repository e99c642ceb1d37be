import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ApiKeyView, ApiUsageView, CreatedApiKey, ListResponse } from '@lsp/contracts';
import { Database } from '@lsp/persistence';
import type { AppConfig } from '@lsp/platform';
import { CurrentActor, CurrentPrincipal, MerchantAccess } from '../auth/access.decorators';
import type { Actor, Principal } from '../auth/principal';
import { IdParam } from '../core/http/id.pipe';
import { APP_CONFIG } from '../core/infra/tokens';
import { MerchantsService } from '../merchants/merchants.service';
import { RegenerateApiKeyDto, UsageQueryDto } from './dto/developer.dto';
import { UsageService } from './usage.service';

/** API.md §9: a merchant's own developer area. Runs in the merchant's RLS scope, never the platform's. */
@ApiTags('developer')
@Controller('api/v1/merchant')
export class DeveloperController {
  constructor(
    private readonly merchants: MerchantsService,
    private readonly usageService: UsageService,
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('credentials')
  @MerchantAccess()
  async credentials(@CurrentPrincipal() principal: Principal): Promise<ListResponse<ApiKeyView>> {
    const merchantId = principal.merchantId as string;
    const data = await this.merchants.listApiKeys(merchantId, (work) => this.db.merchant(merchantId, work));
    return { object: 'list', data, hasMore: false };
  }

  /**
   * A new API key, shown once. Console users only: a leaked key must not be able to mint its own successor. The
   * replaced keys keep working for API_KEY_ROTATION_GRACE (default 24 h), then fail.
   */
  @Post('credentials/regenerate')
  @MerchantAccess({ consoleOnly: true })
  regenerate(
    @Body() body: RegenerateApiKeyDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<{ apiKey: CreatedApiKey; replaced: ApiKeyView[] }> {
    return this.merchants.regenerateApiKey(
      principal.merchantId as string,
      body.mode ?? 'test',
      this.config.apiKeyRotationGraceMs,
      actor,
    );
  }

  /** Ends a key at once (e.g. a leaked one, without waiting for a regeneration's grace period). */
  @Post('credentials/:id/revoke')
  @HttpCode(200)
  @MerchantAccess({ consoleOnly: true })
  revoke(
    @IdParam('apiKey') id: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<ApiKeyView> {
    return this.merchants.revokeApiKey(principal.merchantId as string, id, actor);
  }

  /** Calls per day, per route and per status class with p95 latency, from API-key calls (about 15 s behind). */
  @Get('usage')
  @MerchantAccess()
  usage(@Query() query: UsageQueryDto, @CurrentPrincipal() principal: Principal): Promise<ApiUsageView> {
    return this.usageService.usage(principal.merchantId as string, query.from, query.to);
  }
}

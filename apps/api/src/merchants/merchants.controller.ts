import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ApiKeyView, CreateMerchantResponse, CreatedApiKey, ListResponse, MerchantView } from '@lsp/contracts';
import { Database } from '@lsp/persistence';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/principal';
import { IdParam } from '../core/http/id.pipe';
import { CreateApiKeyDto, CreateMerchantDto, ListMerchantsQueryDto, UpdateMerchantDto } from './dto/merchant.dto';
import { MerchantsService } from './merchants.service';

@ApiTags('merchants')
@Controller('api/v1/admin/merchants')
export class MerchantsController {
  constructor(
    private readonly merchants: MerchantsService,
    private readonly db: Database,
  ) {}

  @Post()
  @Roles('admin')
  create(@Body() body: CreateMerchantDto, @CurrentActor() actor: Actor): Promise<CreateMerchantResponse> {
    return this.merchants.create(body, actor);
  }

  @Get()
  @Roles('admin', 'finance', 'sre')
  list(@Query() query: ListMerchantsQueryDto): Promise<ListResponse<MerchantView>> {
    return this.merchants.list(query);
  }

  @Get(':id')
  @Roles('admin', 'finance', 'sre')
  get(@IdParam('merchant') id: string): Promise<MerchantView> {
    return this.merchants.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  update(
    @IdParam('merchant') id: string,
    @Body() body: UpdateMerchantDto,
    @CurrentActor() actor: Actor,
  ): Promise<MerchantView> {
    return this.merchants.update(id, body, actor);
  }

  @Get(':id/api-keys')
  @Roles('admin', 'sre')
  async listKeys(@IdParam('merchant') id: string): Promise<ListResponse<ApiKeyView>> {
    const data = await this.merchants.listApiKeys(id, (work) => this.db.platform(work));
    return { object: 'list', data, hasMore: false };
  }

  @Post(':id/api-keys')
  @Roles('admin')
  createKey(
    @IdParam('merchant') id: string,
    @Body() body: CreateApiKeyDto,
    @CurrentActor() actor: Actor,
  ): Promise<CreatedApiKey> {
    return this.merchants.createApiKey(id, body.mode ?? 'test', actor);
  }

  @Delete(':id/api-keys/:keyId')
  @HttpCode(200)
  @Roles('admin')
  revokeKey(
    @IdParam('merchant') id: string,
    @IdParam('apiKey', 'keyId') keyId: string,
    @CurrentActor() actor: Actor,
  ): Promise<ApiKeyView> {
    return this.merchants.revokeApiKey(id, keyId, actor);
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ApiKeyView, CreateMerchantResponse, CreatedApiKey, ListResponse, MerchantView } from '@lsp/contracts';
import { newId } from '@lsp/domain';
import { Database } from '@lsp/persistence';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import { DEFAULT_PAGE_SIZE, toListResponse } from '../core/http/pagination';
import { MerchantRateLimits } from '../rate-limit/merchant-rate-limits';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { type KeyMode, generateApiKeySecret, hashApiKeySecret } from './api-key-secrets';
import type { CreateMerchantDto, ListMerchantsQueryDto, UpdateMerchantDto } from './dto/merchant.dto';
import { toApiKeyView, toMerchantView } from './merchant.views';
import { MerchantsRepository } from './merchants.repository';

@Injectable()
export class MerchantsService {
  constructor(
    private readonly db: Database,
    private readonly repo: MerchantsRepository,
    private readonly audit: AuditService,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly rateLimits: MerchantRateLimits,
  ) {}

  /** The merchant, its first API key and the audit record commit together or not at all. */
  create(input: CreateMerchantDto, actor: Actor): Promise<CreateMerchantResponse> {
    return this.db.platform(async (em) => {
      const merchant = toMerchantView(
        await this.repo.insert(em, {
          id: newId('merchant'),
          name: input.name.trim(),
          email: input.email.toLowerCase(),
          status: 'active',
          settlement_schedule: input.settlementSchedule ?? 'T+1',
          rate_limit_per_minute: input.rateLimitPerMinute ?? 600,
        }),
      );
      await this.audit.record(em, actor, {
        action: 'merchant.create',
        objectType: 'merchant',
        objectId: merchant.id,
        before: null,
        after: merchant,
      });
      const apiKey = await this.issueKey(em, merchant.id, 'test', actor);
      return { merchant, apiKey };
    });
  }

  async list(query: ListMerchantsQueryDto): Promise<ListResponse<MerchantView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.platform((em) => this.repo.list(em, query, limit));
    return toListResponse(rows, limit, toMerchantView);
  }

  async get(id: string): Promise<MerchantView> {
    const row = await this.db.platform((em) => this.repo.find(em, id));
    if (!row) throw ApiException.notFound('merchant', id);
    return toMerchantView(row);
  }

  async update(id: string, patch: UpdateMerchantDto, actor: Actor): Promise<MerchantView> {
    const updated = await this.db.platform(async (em) => {
      const before = await this.repo.find(em, id, true);
      if (!before) throw ApiException.notFound('merchant', id);
      const after = await this.repo.update(em, id, {
        name: patch.name?.trim(),
        status: patch.status,
        settlement_schedule: patch.settlementSchedule,
        rate_limit_per_minute: patch.rateLimitPerMinute,
      });
      const action =
        before.status !== after.status
          ? after.status === 'suspended'
            ? 'merchant.suspend'
            : 'merchant.reactivate'
          : 'merchant.update';
      await this.audit.record(em, actor, {
        action,
        objectType: 'merchant',
        objectId: id,
        before: toMerchantView(before),
        after: toMerchantView(after),
      });
      return after;
    });
    // After commit: every replica drops cached keys and limits so suspension bites within seconds, not minutes.
    this.rateLimits.forget(id);
    await this.apiKeys.invalidateMerchant(id);
    return toMerchantView(updated);
  }

  async createApiKey(merchantId: string, mode: KeyMode, actor: Actor): Promise<CreatedApiKey> {
    return this.db.platform(async (em) => {
      if (!(await this.repo.find(em, merchantId))) throw ApiException.notFound('merchant', merchantId);
      return this.issueKey(em, merchantId, mode, actor);
    });
  }

  listApiKeys(
    merchantId: string,
    scoped: (work: (em: EntityManager) => Promise<ApiKeyView[]>) => Promise<ApiKeyView[]>,
  ): Promise<ApiKeyView[]> {
    return scoped(async (em) => {
      if (!(await this.repo.find(em, merchantId))) throw ApiException.notFound('merchant', merchantId);
      return (await this.repo.listApiKeys(em, merchantId)).map(toApiKeyView);
    });
  }

  async revokeApiKey(merchantId: string, keyId: string, actor: Actor): Promise<ApiKeyView> {
    const revoked = await this.db.platform(async (em) => {
      const result = await this.repo.revokeApiKey(em, merchantId, keyId);
      if (!result) throw ApiException.notFound('api key', keyId);
      const [before, after] = [toApiKeyView(result.before), toApiKeyView(result.after)];
      await this.audit.record(em, actor, {
        action: 'api_key.revoke',
        objectType: 'api_key',
        objectId: keyId,
        before,
        after,
      });
      return after;
    });
    await this.apiKeys.invalidateMerchant(merchantId);
    return revoked;
  }

  /**
   * A new key of `mode`; the merchant's current keys of that mode keep working for API_KEY_ROTATION_GRACE, then
   * fail. Both the new key and the end date put on the old ones are audited.
   */
  async regenerateApiKey(
    merchantId: string,
    mode: KeyMode,
    graceMs: number,
    actor: Actor,
  ): Promise<{ apiKey: CreatedApiKey; replaced: ApiKeyView[] }> {
    const result = await this.db.merchant(merchantId, async (em) => {
      if (!(await this.repo.find(em, merchantId, true))) throw ApiException.notFound('merchant', merchantId);
      const expired = await this.repo.expireActiveKeys(em, merchantId, mode, new Date(Date.now() + graceMs));
      const replaced = expired.after.map(toApiKeyView);
      await this.audit.record(em, actor, {
        action: 'api_key.regenerate',
        objectType: 'merchant',
        objectId: merchantId,
        before: { keys: expired.before.map(toApiKeyView) },
        after: { keys: replaced },
      });
      const apiKey = await this.issueKey(em, merchantId, mode, actor);
      return { apiKey, replaced };
    });
    await this.apiKeys.invalidateMerchant(merchantId);
    return result;
  }

  private async issueKey(em: EntityManager, merchantId: string, mode: KeyMode, actor: Actor): Promise<CreatedApiKey> {
    const secret = generateApiKeySecret(mode);
    const row = await this.repo.insertApiKey(em, {
      id: newId('apiKey'),
      merchantId,
      mode,
      secretHash: hashApiKeySecret(secret),
      last4: secret.slice(-4),
    });
    const view = toApiKeyView(row);
    // The audit record holds the masked view only: the secret leaves this process once, in the response.
    await this.audit.record(em, actor, {
      action: 'api_key.create',
      objectType: 'api_key',
      objectId: view.id,
      before: null,
      after: view,
    });
    return { ...view, secret };
  }
}

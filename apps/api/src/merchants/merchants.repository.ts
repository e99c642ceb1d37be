import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sql } from '@lsp/persistence';

export interface MerchantRow {
  id: string;
  name: string;
  email: string;
  status: 'active' | 'suspended';
  settlement_schedule: 'T+1' | 'T+2' | 'manual';
  rate_limit_per_minute: number;
  created_at: Date;
  updated_at: Date;
}

export interface ApiKeyRow {
  id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  last4: string;
  status: 'active' | 'revoked';
  expires_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
}

const KEY_COLUMNS = 'id, merchant_id, mode, last4, status, expires_at, last_used_at, created_at';

/** SQL of the merchants context (merchants and their API keys). RLS still applies to every statement. */
@Injectable()
export class MerchantsRepository {
  async insert(em: EntityManager, m: Omit<MerchantRow, 'created_at' | 'updated_at'>): Promise<MerchantRow> {
    const rows = await sql<MerchantRow>(
      em,
      `INSERT INTO merchants (id, name, email, status, settlement_schedule, rate_limit_per_minute)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [m.id, m.name, m.email, m.status, m.settlement_schedule, m.rate_limit_per_minute],
    );
    return rows[0];
  }

  async find(em: EntityManager, id: string, forUpdate = false): Promise<MerchantRow | undefined> {
    const rows = await sql<MerchantRow>(em, `SELECT * FROM merchants WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [
      id,
    ]);
    return rows[0];
  }

  list(em: EntityManager, filter: { status?: string; startingAfter?: string }, limit: number): Promise<MerchantRow[]> {
    return sql<MerchantRow>(
      em,
      `SELECT * FROM merchants
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3`,
      [filter.status ?? null, filter.startingAfter ?? null, limit + 1],
    );
  }

  async update(
    em: EntityManager,
    id: string,
    patch: Partial<Pick<MerchantRow, 'name' | 'status' | 'settlement_schedule' | 'rate_limit_per_minute'>>,
  ): Promise<MerchantRow> {
    const rows = await sql<MerchantRow>(
      em,
      `UPDATE merchants SET name = coalesce($2, name), status = coalesce($3, status),
              settlement_schedule = coalesce($4, settlement_schedule),
              rate_limit_per_minute = coalesce($5, rate_limit_per_minute), updated_at = now()
        WHERE id = $1 RETURNING *`,
      [
        id,
        patch.name ?? null,
        patch.status ?? null,
        patch.settlement_schedule ?? null,
        patch.rate_limit_per_minute ?? null,
      ],
    );
    return rows[0];
  }

  async insertApiKey(
    em: EntityManager,
    key: { id: string; merchantId: string; mode: 'test' | 'live'; secretHash: string; last4: string },
  ): Promise<ApiKeyRow> {
    const rows = await sql<ApiKeyRow>(
      em,
      `INSERT INTO api_keys (id, merchant_id, mode, secret_hash, last4) VALUES ($1, $2, $3, $4, $5) RETURNING ${KEY_COLUMNS}`,
      [key.id, key.merchantId, key.mode, key.secretHash, key.last4],
    );
    return rows[0];
  }

  listApiKeys(em: EntityManager, merchantId: string): Promise<ApiKeyRow[]> {
    return sql<ApiKeyRow>(em, `SELECT ${KEY_COLUMNS} FROM api_keys WHERE merchant_id = $1 ORDER BY id DESC`, [
      merchantId,
    ]);
  }

  /**
   * Puts an end date on the merchant's live keys of one mode (those without an earlier one): a regenerated key's
   * predecessor keeps working until then, so the merchant can roll the new secret out without an outage.
   */
  async expireActiveKeys(
    em: EntityManager,
    merchantId: string,
    mode: 'test' | 'live',
    until: Date,
  ): Promise<{ before: ApiKeyRow[]; after: ApiKeyRow[] }> {
    const before = await sql<ApiKeyRow>(
      em,
      `SELECT ${KEY_COLUMNS} FROM api_keys
        WHERE merchant_id = $1 AND mode = $2 AND status = 'active' AND (expires_at IS NULL OR expires_at > $3)
        ORDER BY id FOR UPDATE`,
      [merchantId, mode, until],
    );
    if (before.length === 0) return { before, after: [] };
    const after = await sql<ApiKeyRow>(
      em,
      `UPDATE api_keys SET expires_at = $2 WHERE id = ANY($1) RETURNING ${KEY_COLUMNS}`,
      [before.map((k) => k.id), until],
    );
    return { before, after: after.sort((a, b) => a.id.localeCompare(b.id)) };
  }

  async revokeApiKey(
    em: EntityManager,
    merchantId: string,
    keyId: string,
  ): Promise<{ before: ApiKeyRow; after: ApiKeyRow } | undefined> {
    const before = (
      await sql<ApiKeyRow>(em, `SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1 AND merchant_id = $2 FOR UPDATE`, [
        keyId,
        merchantId,
      ])
    )[0];
    if (!before) return undefined;
    const after = (
      await sql<ApiKeyRow>(
        em,
        `UPDATE api_keys SET status = 'revoked', revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
        [keyId],
      )
    )[0];
    return { before, after };
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sql } from '@lsp/persistence';

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  roles: string[];
  merchant_id: string | null;
  status: 'active' | 'disabled';
  created_at: Date;
}

export interface RefreshTokenRow {
  id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: Date;
  replaced_by: string | null;
  revoked_at: Date | null;
}

/** SQL of the identity context: users and refresh-token families. Callers pass a scoped transaction. */
@Injectable()
export class AuthRepository {
  async findUserByEmail(em: EntityManager, email: string): Promise<UserRow | undefined> {
    const rows = await sql<UserRow>(em, `SELECT * FROM users WHERE lower(email) = lower($1)`, [email]);
    return rows[0];
  }

  async findUserById(em: EntityManager, id: string): Promise<UserRow | undefined> {
    const rows = await sql<UserRow>(em, `SELECT * FROM users WHERE id = $1`, [id]);
    return rows[0];
  }

  async insertRefreshToken(
    em: EntityManager,
    token: { id: string; userId: string; familyId: string; tokenHash: string; expiresAt: Date },
  ): Promise<void> {
    await sql(
      em,
      `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [token.id, token.userId, token.familyId, token.tokenHash, token.expiresAt],
    );
  }

  /** Locks the token row so two concurrent refreshes of one token cannot both succeed. */
  async lockRefreshToken(em: EntityManager, id: string): Promise<RefreshTokenRow | undefined> {
    const rows = await sql<RefreshTokenRow>(em, `SELECT * FROM refresh_tokens WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  async markReplaced(em: EntityManager, id: string, replacedBy: string): Promise<void> {
    await sql(em, `UPDATE refresh_tokens SET replaced_by = $2 WHERE id = $1`, [id, replacedBy]);
  }

  async revokeFamily(em: EntityManager, familyId: string): Promise<void> {
    await sql(em, `UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [
      familyId,
    ]);
  }

  async familyOf(em: EntityManager, tokenId: string): Promise<string | undefined> {
    const rows = await sql<{ family_id: string }>(em, `SELECT family_id FROM refresh_tokens WHERE id = $1`, [tokenId]);
    return rows[0]?.family_id;
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Role } from '@lsp/contracts';
import { sql } from '@lsp/persistence';

export interface UserListRow {
  id: string;
  email: string;
  roles: Role[];
  merchant_id: string | null;
  created_at: Date;
}

const COLUMNS = 'id, email, roles, merchant_id, created_at';

@Injectable()
export class UsersRepository {
  async merchantExists(em: EntityManager, merchantId: string): Promise<boolean> {
    return (await sql(em, `SELECT 1 FROM merchants WHERE id = $1`, [merchantId])).length > 0;
  }

  /** Undefined when the email is taken (the unique index on lower(email) decides, not a prior read). */
  async insert(
    em: EntityManager,
    user: { id: string; email: string; passwordHash: string; roles: Role[]; merchantId: string | null },
  ): Promise<UserListRow | undefined> {
    const rows = await sql<UserListRow>(
      em,
      `INSERT INTO users (id, email, password_hash, roles, merchant_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [user.id, user.email, user.passwordHash, user.roles, user.merchantId],
    );
    return rows[0];
  }

  list(em: EntityManager, startingAfter: string | undefined, limit: number): Promise<UserListRow[]> {
    return sql<UserListRow>(
      em,
      `SELECT ${COLUMNS} FROM users WHERE ($1::text IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
      [startingAfter ?? null, limit + 1],
    );
  }
}

import { Injectable } from '@nestjs/common';
import type { ListResponse, UserView } from '@lsp/contracts';
import { newId } from '@lsp/domain';
import { Database } from '@lsp/persistence';
import { hashPassword } from '@lsp/platform';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import { DEFAULT_PAGE_SIZE, toListResponse } from '../core/http/pagination';
import type { CreateUserDto, ListUsersQueryDto } from './dto/user.dto';
import { type UserListRow, UsersRepository } from './users.repository';

const toUserView = (row: UserListRow): UserView => ({
  id: row.id,
  object: 'user',
  email: row.email,
  roles: row.roles,
  ...(row.merchant_id ? { merchantId: row.merchant_id } : {}),
  createdAt: row.created_at.toISOString(),
});

@Injectable()
export class UsersService {
  constructor(
    private readonly db: Database,
    private readonly repo: UsersRepository,
    private readonly audit: AuditService,
  ) {}

  async create(input: CreateUserDto, actor: Actor): Promise<UserView> {
    const isMerchantUser = input.roles.includes('merchant');
    if (isMerchantUser && input.roles.length > 1) {
      throw ApiException.invalid('roles', 'A merchant user holds only the merchant role');
    }
    if (isMerchantUser !== Boolean(input.merchantId)) {
      throw ApiException.invalid('merchantId', 'merchantId is required for the merchant role and only for it');
    }
    // Hashing is deliberately slow: done before the transaction opens so no connection waits on it.
    const passwordHash = await hashPassword(input.password);
    return this.db.platform(async (em) => {
      if (input.merchantId && !(await this.repo.merchantExists(em, input.merchantId))) {
        throw ApiException.invalid('merchantId', `No such merchant: '${input.merchantId}'`);
      }
      const row = await this.repo.insert(em, {
        id: newId('user'),
        email: input.email.toLowerCase(),
        passwordHash,
        roles: [...new Set(input.roles)],
        merchantId: input.merchantId ?? null,
      });
      if (!row) throw ApiException.conflict('email_taken', 'A user with this email already exists');
      const view = toUserView(row);
      await this.audit.record(em, actor, {
        action: 'user.create',
        objectType: 'user',
        objectId: view.id,
        before: null,
        after: view,
      });
      return view;
    });
  }

  async list(query: ListUsersQueryDto): Promise<ListResponse<UserView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.platform((em) => this.repo.list(em, query.startingAfter, limit));
    return toListResponse(rows, limit, toUserView);
  }
}

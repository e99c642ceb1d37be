import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ListResponse, Role, UserView } from '@lsp/contracts';
import { newId } from '@lsp/domain';
import { Database, sql } from '@lsp/persistence';
import { hashPassword } from '@lsp/platform';
import { AuditService } from '../audit/audit.service';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import { DEFAULT_PAGE_SIZE, toListResponse } from '../core/http/pagination';
import { CreateUserDto, ListUsersQueryDto } from './dto/user.dto';

interface UserRow {
  id: string;
  email: string;
  roles: Role[];
  merchant_id: string | null;
  created_at: Date;
}

const toUserView = (row: UserRow): UserView => ({
  id: row.id,
  object: 'user',
  email: row.email,
  roles: row.roles,
  ...(row.merchant_id ? { merchantId: row.merchant_id } : {}),
  createdAt: row.created_at.toISOString(),
});

@ApiTags('users')
@Controller('api/v1/admin/users')
export class UsersController {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @Roles('admin')
  async create(@Body() body: CreateUserDto, @CurrentActor() actor: Actor): Promise<UserView> {
    const isMerchantUser = body.roles.includes('merchant');
    if (isMerchantUser && body.roles.length > 1)
      throw ApiException.invalid('roles', 'A merchant user holds only the merchant role');
    if (isMerchantUser !== Boolean(body.merchantId)) {
      throw ApiException.invalid('merchantId', 'merchantId is required for the merchant role and only for it');
    }
    const passwordHash = await hashPassword(body.password);
    return this.db.platform(async (em) => {
      if (body.merchantId && !(await sql(em, `SELECT 1 FROM merchants WHERE id = $1`, [body.merchantId])).length) {
        throw ApiException.invalid('merchantId', `No such merchant: '${body.merchantId}'`);
      }
      const rows = await sql<UserRow>(
        em,
        `INSERT INTO users (id, email, password_hash, roles, merchant_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING id, email, roles, merchant_id, created_at`,
        [newId('user'), body.email.toLowerCase(), passwordHash, [...new Set(body.roles)], body.merchantId ?? null],
      );
      if (!rows.length) throw ApiException.conflict('email_taken', 'A user with this email already exists');
      const view = toUserView(rows[0]);
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

  @Get()
  @Roles('admin')
  async list(@Query() query: ListUsersQueryDto): Promise<ListResponse<UserView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.db.platform((em) =>
      sql<UserRow>(
        em,
        `SELECT id, email, roles, merchant_id, created_at FROM users WHERE ($1::text IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
        [query.startingAfter ?? null, limit + 1],
      ),
    );
    return toListResponse(rows, limit, toUserView);
  }
}

import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ListResponse, UserView } from '@lsp/contracts';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/principal';
import { CreateUserDto, ListUsersQueryDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/v1/admin/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  create(@Body() body: CreateUserDto, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.create(body, actor);
  }

  @Get()
  @Roles('admin')
  list(@Query() query: ListUsersQueryDto): Promise<ListResponse<UserView>> {
    return this.users.list(query);
  }
}

import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { Audit, type AuditContext } from '../audit/audit-context';
import { RequirePrivileges } from '../access/policy.decorator';
import { Answers, MayFail, page } from '../validation/schema';
import { PageQuery } from '../validation/validation';
import { USER_SCHEMA } from './user.view';
import { CreateUserDto, UpdateUserDto } from './user.dto';
import { UsersService } from './users.service';

@Controller('users')
@RequirePrivileges('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Answers(201, USER_SCHEMA)
  @MayFail('conflict')
  create(@Body() dto: CreateUserDto, @Audit() audit: AuditContext) {
    return this.users.create(dto, audit);
  }

  @Get()
  @Answers(200, page(USER_SCHEMA))
  list(@Query() page: PageQuery) {
    return this.users.list(page);
  }

  @Get(':username')
  @Answers(200, USER_SCHEMA)
  get(@Param('username') username: string) {
    return this.users.get(username);
  }

  @Patch(':username')
  @Answers(200, USER_SCHEMA)
  @MayFail('conflict')
  update(
    @Param('username') username: string,
    @Body() dto: UpdateUserDto,
    @Audit() audit: AuditContext,
  ) {
    return this.users.update(username, dto, audit);
  }

  @Delete(':username')
  @HttpCode(204)
  @Answers(204)
  @MayFail('conflict')
  remove(@Param('username') username: string, @Audit() audit: AuditContext) {
    return this.users.remove(username, audit);
  }
}

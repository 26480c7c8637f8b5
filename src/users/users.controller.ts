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
import { RequirePrivileges } from '../auth/policy.decorator';
import { PageQuery } from '../common/validation';
import { CreateUserDto, UpdateUserDto } from './user.dto';
import { UsersService } from './users.service';

@Controller('users')
@RequirePrivileges('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  create(@Body() dto: CreateUserDto, @Audit() audit: AuditContext) {
    return this.users.create(dto, audit);
  }

  @Get()
  list(@Query() page: PageQuery) {
    return this.users.list(page);
  }

  @Get(':username')
  get(@Param('username') username: string) {
    return this.users.get(username);
  }

  @Patch(':username')
  update(
    @Param('username') username: string,
    @Body() dto: UpdateUserDto,
    @Audit() audit: AuditContext,
  ) {
    return this.users.update(username, dto, audit);
  }

  @Delete(':username')
  @HttpCode(204)
  remove(@Param('username') username: string, @Audit() audit: AuditContext) {
    return this.users.remove(username, audit);
  }
}

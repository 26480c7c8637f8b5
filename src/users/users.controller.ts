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
import { RequirePrivileges } from '../auth/policy.decorator';
import { PageQuery } from '../common/validation';
import { CreateUserDto, UpdateUserDto } from './user.dto';
import { UsersService } from './users.service';

@Controller('users')
@RequirePrivileges('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  create(@Body() dto: CreateUserDto) {
    return this.users.create(dto);
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
  update(@Param('username') username: string, @Body() dto: UpdateUserDto) {
    return this.users.update(username, dto);
  }

  @Delete(':username')
  @HttpCode(204)
  remove(@Param('username') username: string) {
    return this.users.remove(username);
  }
}

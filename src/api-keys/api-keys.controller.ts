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
import { Caller, RequirePrivileges } from '../auth/policy.decorator';
import { actorOf, type Principal } from '../auth/principal';
import { PageQuery } from '../common/validation';
import {
  CreateApiKeyDto,
  RotateApiKeyDto,
  UpdateApiKeyDto,
} from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@Controller('keys')
@RequirePrivileges('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  create(@Body() dto: CreateApiKeyDto, @Caller() caller: Principal) {
    return this.keys.create(dto, actorOf(caller));
  }

  @Get()
  list(@Query() page: PageQuery) {
    return this.keys.list(page);
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.keys.get(id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() dto: UpdateApiKeyDto) {
    return this.keys.update(id, dto);
  }

  @Post(':id/rotate')
  rotate(@Param('id') id: string, @Body() dto: RotateApiKeyDto) {
    return this.keys.rotate(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string) {
    return this.keys.remove(id);
  }
}

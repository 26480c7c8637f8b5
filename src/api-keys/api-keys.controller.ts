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
  create(@Body() dto: CreateApiKeyDto, @Audit() audit: AuditContext) {
    return this.keys.create(dto, audit);
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
  update(
    @Param('id') id: string,
    @Body() dto: UpdateApiKeyDto,
    @Audit() audit: AuditContext,
  ) {
    return this.keys.update(id, dto, audit);
  }

  @Post(':id/rotate')
  rotate(
    @Param('id') id: string,
    @Body() dto: RotateApiKeyDto,
    @Audit() audit: AuditContext,
  ) {
    return this.keys.rotate(id, dto, audit);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string, @Audit() audit: AuditContext) {
    return this.keys.remove(id, audit);
  }
}

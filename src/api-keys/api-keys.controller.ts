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
import { Answers, page } from '../validation/schema';
import {
  API_KEY_SCHEMA,
  API_KEY_WITH_SECRET_SCHEMA,
  CreateApiKeyDto,
  KEY_USAGE_SCHEMA,
  KeyListQuery,
  KeyUsageQuery,
  RotateApiKeyDto,
  UpdateApiKeyDto,
} from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@Controller('keys')
@RequirePrivileges('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Answers(201, API_KEY_WITH_SECRET_SCHEMA)
  create(@Body() dto: CreateApiKeyDto, @Audit() audit: AuditContext) {
    return this.keys.create(dto, audit);
  }

  @Get()
  @Answers(200, page(API_KEY_SCHEMA))
  list(@Query() query: KeyListQuery) {
    return this.keys.list(query);
  }

  @Get(':id')
  @Answers(200, API_KEY_SCHEMA)
  get(@Param('id') id: string) {
    return this.keys.get(id);
  }

  @Get(':id/usage')
  @Answers(200, KEY_USAGE_SCHEMA)
  usage(@Param('id') id: string, @Query() query: KeyUsageQuery) {
    return this.keys.usage(id, query.days);
  }

  @Patch(':id')
  @Answers(200, API_KEY_SCHEMA)
  update(
    @Param('id') id: string,
    @Body() dto: UpdateApiKeyDto,
    @Audit() audit: AuditContext,
  ) {
    return this.keys.update(id, dto, audit);
  }

  @Post(':id/rotate')
  @Answers(201, API_KEY_WITH_SECRET_SCHEMA)
  rotate(
    @Param('id') id: string,
    @Body() dto: RotateApiKeyDto,
    @Audit() audit: AuditContext,
  ) {
    return this.keys.rotate(id, dto, audit);
  }

  @Delete(':id')
  @HttpCode(204)
  @Answers(204)
  remove(@Param('id') id: string, @Audit() audit: AuditContext) {
    return this.keys.remove(id, audit);
  }
}

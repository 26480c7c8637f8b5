import { Controller, Get, Query } from '@nestjs/common';
import { RequirePrivileges } from '../access/policy.decorator';
import { Answers, page, Summary } from '../validation/schema';
import type { Page } from '../validation/validation';
import { AUDIT_ENTRY_SCHEMA, AuditEntryView, AuditQuery } from './audit.dto';
import { AuditService } from './audit.service';

@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePrivileges('admin')
  @Answers(200, page(AUDIT_ENTRY_SCHEMA))
  @Summary('Search the audit log')
  list(@Query() query: AuditQuery): Promise<Page<AuditEntryView>> {
    return this.audit.list(query);
  }
}

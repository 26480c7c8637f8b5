import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  Authenticated,
  Caller,
  RequirePrivileges,
} from '../access/policy.decorator';
import { Audit, type AuditContext } from '../audit/audit-context';
import type { Principal } from '../access/principal';
import { Scoped } from '../access/scoped.decorator';
import { Answers, MayFail, page } from '../validation/schema';
import { PageQuery } from '../validation/validation';
import { recordSchema } from '../resources/record-schema';
import { EVENTS } from '../events/event.resource';
import { JOBS } from './job.resource';
import { JobsService } from './jobs.service';

const JOB_SCHEMA = recordSchema(JOBS);

@Controller()
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post('events/:id/run')
  @RequirePrivileges('run_jobs')
  @Scoped(EVENTS, 'stored')
  @Answers(201, JOB_SCHEMA)
  // A disabled event cannot run.
  @MayFail('conflict')
  run(@Param('id') id: string, @Caller() caller: Principal) {
    return this.jobs.run(id, caller);
  }

  @Get('jobs')
  @Authenticated()
  @Answers(200, page(JOB_SCHEMA))
  list(@Query() page: PageQuery, @Caller() caller: Principal) {
    return this.jobs.records.list(caller, page);
  }

  @Get('jobs/:id')
  @Authenticated()
  @Scoped(JOBS, 'stored')
  @Answers(200, JOB_SCHEMA)
  get(@Param('id') id: string, @Caller() caller: Principal) {
    return this.jobs.records.get(id, caller);
  }

  @Post('jobs/:id/abort')
  @RequirePrivileges('abort_jobs')
  @Scoped(JOBS, 'stored')
  @HttpCode(200)
  @Answers(200, JOB_SCHEMA)
  // Already finished or aborted.
  @MayFail('conflict')
  abort(@Param('id') id: string, @Caller() caller: Principal) {
    return this.jobs.abort(id, caller);
  }

  @Delete('jobs/:id')
  @RequirePrivileges('delete_jobs')
  @Scoped(JOBS, 'stored')
  @HttpCode(204)
  @Answers(204)
  remove(
    @Param('id') id: string,
    @Caller() caller: Principal,
    @Audit() audit: AuditContext,
  ) {
    return this.jobs.records.remove(id, caller, audit);
  }
}

import { AuditModule } from '../audit/audit.module';
import { Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../time/clock';
import { WriteLock } from '../database/write-lock';
import type { Event } from '../events/event.entity';
import { EVENTS } from '../events/event.resource';
import type { Job } from '../jobs/job.entity';
import { JOBS } from '../jobs/job.resource';
import { JobsController } from '../jobs/jobs.controller';
import { JobsService } from '../jobs/jobs.service';
import { AuditLog } from '../audit/audit-log';
import { ChangeBus } from '../bus/change-bus';
import { References } from '../resources/references';
import { CRUD_RESOURCES, GUARDED_RESOURCES } from './guarded-resources';
import type { ResourceDefinition } from '../resources/resource-definition';
import {
  resourceController,
  serviceToken,
} from '../resources/resource.controller';
import { ResourceService } from '../resources/resource.service';

const ALL = GUARDED_RESOURCES;

type ServiceDeps = [
  DataSource,
  WriteLock,
  Clock,
  References,
  ChangeBus,
  AuditLog,
];

const serviceProvider = (definition: ResourceDefinition): Provider => ({
  provide: serviceToken(definition),
  inject: [DataSource, WriteLock, Clock, References, ChangeBus, AuditLog],
  useFactory: (...deps: ServiceDeps) =>
    new ResourceService(definition, ...deps),
});

@Module({
  imports: [AuditModule, TypeOrmModule.forFeature(ALL.map((d) => d.entity))],
  controllers: [...CRUD_RESOURCES.map(resourceController), JobsController],
  providers: [
    ...ALL.map(serviceProvider),
    {
      provide: JobsService,
      inject: [serviceToken(JOBS), serviceToken(EVENTS), WriteLock, Clock],
      useFactory: (
        jobs: ResourceService<Job>,
        events: ResourceService<Event>,
        lock: WriteLock,
        clock: Clock,
      ) => new JobsService(jobs, events, lock, clock),
    },
  ],
})
export class ResourcesModule {}

import { Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { WriteLock } from '../database/write-lock';
import type { Event } from '../events/event.entity';
import { EVENTS } from '../events/event.resource';
import type { Job } from '../jobs/job.entity';
import { JOBS } from '../jobs/job.resource';
import { JobsController } from '../jobs/jobs.controller';
import { JobsService } from '../jobs/jobs.service';
import { ApiKey } from '../api-keys/api-key.entity';
import { AuditLog } from '../audit/audit-log';
import { CredentialChanges } from '../common/credential-changes';
import { User } from '../users/user.entity';
import {
  GRANT_REFERENCES,
  REFERENCE_HOLDERS,
  RESOURCE_DEFINITIONS,
  ReferenceHolder,
  References,
} from './references';
import { CRUD_RESOURCES, GUARDED_RESOURCES } from './guarded-resources';
import type { ResourceDefinition } from './resource-definition';
import { resourceController, serviceToken } from './resource.controller';
import { ResourceService } from './resource.service';

/** Users and keys name categories, groups and roles too (SPEC §15). */
const HOLDERS: ReferenceHolder[] = [
  { name: 'users', entity: User, references: GRANT_REFERENCES },
  { name: 'API keys', entity: ApiKey, references: GRANT_REFERENCES },
];

const ALL = GUARDED_RESOURCES;

type ServiceDeps = [
  DataSource,
  WriteLock,
  Clock,
  References,
  CredentialChanges,
  AuditLog,
];

const serviceProvider = (definition: ResourceDefinition): Provider => ({
  provide: serviceToken(definition),
  inject: [
    DataSource,
    WriteLock,
    Clock,
    References,
    CredentialChanges,
    AuditLog,
  ],
  useFactory: (...deps: ServiceDeps) =>
    new ResourceService(definition, ...deps),
});

@Module({
  imports: [TypeOrmModule.forFeature(ALL.map((d) => d.entity))],
  controllers: [...CRUD_RESOURCES.map(resourceController), JobsController],
  providers: [
    { provide: RESOURCE_DEFINITIONS, useValue: ALL },
    { provide: REFERENCE_HOLDERS, useValue: HOLDERS },
    References,
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
  exports: [References],
})
export class ResourcesModule {}

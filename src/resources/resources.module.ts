import { Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ALERTS } from '../alerts/alert.resource';
import { CATEGORIES } from '../categories/category.resource';
import { Clock } from '../common/clock';
import { WriteLock } from '../database/write-lock';
import type { Event } from '../events/event.entity';
import { EVENTS } from '../events/event.resource';
import { GROUPS } from '../groups/group.resource';
import type { Job } from '../jobs/job.entity';
import { JOBS } from '../jobs/job.resource';
import { JobsController } from '../jobs/jobs.controller';
import { JobsService } from '../jobs/jobs.service';
import { MONITORS } from '../monitors/monitor.resource';
import { TICKETS } from '../tickets/ticket.resource';
import { RESOURCE_DEFINITIONS, References } from './references';
import type { ResourceDefinition } from './resource-definition';
import { resourceController, serviceToken } from './resource.controller';
import { ResourceService } from './resource.service';

/** The guarded application of SPEC §9, with generic CRUD routes. */
export const CRUD_RESOURCES: ResourceDefinition[] = [
  CATEGORIES,
  GROUPS,
  EVENTS,
  MONITORS,
  ALERTS,
  TICKETS,
] as ResourceDefinition[];

const ALL = [...CRUD_RESOURCES, JOBS as ResourceDefinition];

const serviceProvider = (definition: ResourceDefinition): Provider => ({
  provide: serviceToken(definition),
  inject: [DataSource, WriteLock, Clock, References],
  useFactory: (...deps: [DataSource, WriteLock, Clock, References]) =>
    new ResourceService(definition, ...deps),
});

@Module({
  imports: [TypeOrmModule.forFeature(ALL.map((d) => d.entity))],
  controllers: [...CRUD_RESOURCES.map(resourceController), JobsController],
  providers: [
    { provide: RESOURCE_DEFINITIONS, useValue: ALL },
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
})
export class ResourcesModule {}

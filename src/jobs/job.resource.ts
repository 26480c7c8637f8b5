import type { ResourceDefinition } from '../resources/resource-definition';
import { Job } from './job.entity';

/** Jobs share listing, reading and deleting with the other resources; running and aborting are their own. */
export const JOBS: ResourceDefinition<Job> = {
  name: 'jobs',
  noun: 'job',
  entity: Job,
  clientIds: false,
  scope: { category: 'category', groups: 'targets' },
  defaults: {},
  fields: {
    event_id: 'eventId',
    category: 'category',
    targets: 'targets',
    state: 'state',
    started_by: 'createdBy',
  },
  references: [],
};

import {
  propertiesOf,
  type ResourceDefinition,
} from '../resources/resource-definition';
import { Job } from './job.entity';

/** Jobs share listing, reading and deleting with the other resources; running and aborting are their own. */
export const JOBS: ResourceDefinition<Job> = {
  name: 'jobs',
  noun: 'job',
  entity: Job,
  clientIds: false,
  scope: { category: 'category', groups: 'targets' },
  defaults: {},
  fields: propertiesOf<Job>()(
    'eventId',
    'category',
    'targets',
    'state',
    'createdBy',
  ),
  // A job's creator is who started it (SPEC §9).
  wireNames: { createdBy: 'started_by' },
  references: [],
};

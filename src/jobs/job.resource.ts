import {
  propertiesOf,
  type ResourceDefinition,
} from '../resources/resource-definition';
import { listOf, text } from '../validation/schema';
import { SCOPE_ID } from '../validation/validation';
import { JOB_STATES, Job } from './job.entity';

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
  fieldSchemas: {
    event_id: text(),
    category: text({ pattern: SCOPE_ID.source }),
    targets: listOf(text({ pattern: SCOPE_ID.source })),
    state: text({ enum: [...JOB_STATES] }),
    started_by: text(),
  },
  references: [],
};

import { ALERTS } from '../alerts/alert.resource';
import { CATEGORIES } from '../categories/category.resource';
import { EVENTS } from '../events/event.resource';
import { GROUPS } from '../groups/group.resource';
import { JOBS } from '../jobs/job.resource';
import { MONITORS } from '../monitors/monitor.resource';
import { ROLES } from '../roles/role.resource';
import { TICKETS } from '../tickets/ticket.resource';
import type { CrudResource, ResourceDefinition } from './resource-definition';

/**
 * Every guarded record kind with the five generic routes (SPEC §9, §12).
 * Adding a resource is one entry here: the module mounts its routes and
 * services from this list, and the entity list (database/entities.ts) reads
 * its entity from it.
 */
export const CRUD_RESOURCES: readonly CrudResource[] = [
  CATEGORIES,
  GROUPS,
  EVENTS,
  MONITORS,
  ALERTS,
  TICKETS,
  ROLES,
];

/** The above and jobs, which have routes of their own (run, abort). */
export const GUARDED_RESOURCES: readonly ResourceDefinition[] = [
  ...CRUD_RESOURCES,
  JOBS,
];

import { ALERTS } from '../alerts/alert.resource';
import type { Grantee } from '../access/effective-rights';
import type { GrantColumns } from '../access/grants';
import { keyActor } from '../access/principal';
import { ApiKey } from '../api-keys/api-key.entity';
import { CATEGORIES } from '../categories/category.resource';
import { EVENTS } from '../events/event.resource';
import { GROUPS } from '../groups/group.resource';
import { JOBS } from '../jobs/job.resource';
import { MONITORS } from '../monitors/monitor.resource';
import {
  GRANT_REFERENCES,
  type ReferenceHolder,
} from '../resources/references';
import { ReferencesModule } from '../resources/references.module';
import type {
  CrudResource,
  ResourceDefinition,
} from '../resources/resource-definition';
import { ROLES } from '../roles/role.resource';
import { TICKETS } from '../tickets/ticket.resource';
import { User } from '../users/user.entity';

/**
 * Every guarded record kind with the five generic routes (SPEC §9, §12).
 * Adding a resource is its own folder and one entry here: the resources
 * module mounts its routes and services from this list, and the entity list
 * (entities.ts) reads its entity from it.
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

/**
 * Users and keys name categories, groups and roles too (SPEC §15), and are
 * the holders a change to a role may widen (SPEC §20).
 */
const HOLDERS: readonly ReferenceHolder[] = [
  {
    name: 'users',
    entity: User,
    references: GRANT_REFERENCES,
    grantee: (user) => granteeOf((user as User).username, user as User),
  },
  {
    name: 'API keys',
    entity: ApiKey,
    references: GRANT_REFERENCES,
    grantee: (key) => granteeOf(keyActor((key as ApiKey).id), key as ApiKey),
  },
];

function granteeOf(label: string, grants: GrantColumns): Grantee {
  const { privileges, categories, groups, roles } = grants;
  return { label, own: { privileges, categories, groups }, roles };
}

/** References over every resource and holder, for the server and the CLI alike. */
export const referencesModule = () =>
  ReferencesModule.forRoot(GUARDED_RESOURCES, HOLDERS);

const RESOURCES = [
  ['alerts', 'alerts'],
  ['buckets', 'storage buckets'],
  ['categories', 'categories'],
  ['channels', 'notification channels'],
  ['events', 'events'],
  ['groups', 'server groups'],
  ['monitors', 'monitors'],
  ['plugins', 'plugins'],
  ['roles', 'roles'],
  ['tags', 'tags'],
  ['tickets', 'tickets'],
  ['web_hooks', 'web hooks'],
] as const;

const VERBS = [
  ['create', 'Create', 'create new'],
  ['edit', 'Edit', 'change existing'],
  ['delete', 'Delete', 'delete'],
] as const;

/** A resource of the catalog, each with create_/edit_/delete_ privileges. */
export type CatalogResource = (typeof RESOURCES)[number][0];
type Verb = (typeof VERBS)[number][0];

const titleCase = (text: string) =>
  text.replace(/\b[a-z]/g, (letter) => letter.toUpperCase());

/** The privileges besides admin and the resource verbs; their ids are part of the type below. */
const OTHERS = [
  {
    id: 'run_jobs',
    title: 'Run Jobs',
    description: 'Allows the caller to run events, starting jobs.',
  },
  {
    id: 'abort_jobs',
    title: 'Abort Jobs',
    description: 'Allows the caller to abort running or queued jobs.',
  },
  {
    id: 'delete_jobs',
    title: 'Delete Jobs',
    description: 'Allows the caller to delete job records.',
  },
  {
    id: 'tag_jobs',
    title: 'Tag Jobs',
    description: 'Allows the caller to add and remove tags on jobs.',
  },
  {
    id: 'create_snapshots',
    title: 'Create Snapshots',
    description: 'Allows the caller to take server snapshots.',
  },
  {
    id: 'delete_snapshots',
    title: 'Delete Snapshots',
    description: 'Allows the caller to delete server snapshots.',
  },
  {
    id: 'add_servers',
    title: 'Add Servers',
    description: 'Allows the caller to add servers to the cluster.',
  },
  {
    id: 'update_servers',
    title: 'Update Servers',
    description: 'Allows the caller to change server settings.',
  },
  {
    id: 'send_emails',
    title: 'Send Emails',
    description: 'Allows the caller to send email through the platform.',
  },
  {
    id: 'bulk_export',
    title: 'Bulk Export',
    description: 'Allows the caller to export data in bulk.',
  },
] as const;

/**
 * A privilege id of the catalog, as a closed union: a typo such as
 * `@RequirePrivileges('delete_evnts')` fails the typecheck.
 */
export type PrivilegeId =
  'admin' | `${Verb}_${CatalogResource}` | (typeof OTHERS)[number]['id'];

export interface PrivilegeInfo {
  id: PrivilegeId;
  title: string;
  description: string;
}

export const ADMIN = 'admin' satisfies PrivilegeId;

/** The id of a resource's privilege for a verb: `create_events`. */
export const resourcePrivilege = (verb: Verb, resource: CatalogResource) =>
  `${verb}_${resource}` satisfies PrivilegeId;

/** The privilege catalog (SPEC §5): the ids are the contract, 47 in all. */
export const PRIVILEGES: readonly PrivilegeInfo[] = [
  {
    id: ADMIN,
    title: 'Administrator',
    description:
      'Full access: implies every other privilege and lifts every category and group restriction.',
  },
  ...RESOURCES.flatMap(([resource, noun]) =>
    VERBS.map(([prefix, verb, does]) => ({
      id: resourcePrivilege(prefix, resource),
      title: `${verb} ${titleCase(noun)}`,
      description: `Allows the caller to ${does} ${noun}.`,
    })),
  ),
  ...OTHERS,
];

export const PRIVILEGE_IDS: readonly PrivilegeId[] = PRIVILEGES.map(
  (p) => p.id,
);
const KNOWN = new Set<string>(PRIVILEGE_IDS);

export function isPrivilege(id: unknown): id is PrivilegeId {
  return typeof id === 'string' && KNOWN.has(id);
}

/** What a holder of `held` lacks of `required`; `admin` lacks nothing. */
export function missingPrivileges(
  held: readonly string[],
  required: readonly string[],
): string[] {
  if (held.includes(ADMIN)) return [];
  return required.filter((privilege) => !held.includes(privilege));
}

/** The privileges a holder effectively has: `admin` expands to the whole catalog. */
export function effectivePrivileges(held: readonly string[]): string[] {
  if (held.includes(ADMIN)) return [...PRIVILEGE_IDS];
  return PRIVILEGE_IDS.filter((id) => held.includes(id));
}

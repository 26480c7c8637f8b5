/** SPEC §5, spelled out by hand (not read from the code): the ids are the contract. */
export const SPEC_CATALOG: readonly string[] = [
  'admin',
  ...[
    'alerts',
    'buckets',
    'categories',
    'channels',
    'events',
    'groups',
    'monitors',
    'plugins',
    'roles',
    'tags',
    'tickets',
    'web_hooks',
  ].flatMap((resource) =>
    ['create', 'edit', 'delete'].map((verb) => `${verb}_${resource}`),
  ),
  'run_jobs',
  'abort_jobs',
  'delete_jobs',
  'tag_jobs',
  'create_snapshots',
  'delete_snapshots',
  'add_servers',
  'update_servers',
  'send_emails',
  'bulk_export',
];

/** The fields of a user in every response (SPEC §4, `source` from §17), sorted. */
export const USER_FIELDS: readonly string[] = [
  'active',
  'categories',
  'created_at',
  'full_name',
  'groups',
  'privileges',
  'roles',
  'source',
  'updated_at',
  'username',
];

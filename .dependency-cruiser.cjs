// The floor plan of src/ (README "Architecture"): a folder imports only from
// its own folder and from folders on LOWER floors, and no two folders import
// each other, directly or around a loop. `npm run lint` runs this, so a wrong
// import is a red CI, not a review comment.
/** Top-level folders of src/ by floor; root files (main.ts) are floor 7. */
const FLOORS = {
  1: ['config'],
  2: [
    'http',
    'logging',
    'validation',
    'cache',
    'concurrency',
    'time',
    'secrets',
    'bus',
    'rate-limits',
  ],
  3: ['database', 'redis'],
  4: ['access', 'audit'],
  5: [
    'resources',
    'categories',
    'groups',
    'events',
    'jobs',
    'monitors',
    'alerts',
    'tickets',
    'roles',
    'api-keys',
    'users',
    'sessions',
    'sso',
    'mfa',
    'health',
  ],
  6: ['auth', 'observability', 'openapi', 'web'],
  7: ['app', 'cli'],
};

const floorOf = new Map(
  Object.entries(FLOORS).flatMap(([floor, folders]) =>
    folders.map((folder) => [folder, Number(floor)]),
  ),
);
const folders = (list) => `^src/(${list.join('|')})/`;
const above = (floor) =>
  [...floorOf].filter(([, f]) => f > floor).map(([folder]) => folder);

const upward = Object.entries(FLOORS)
  .filter(([floor]) => above(Number(floor)).length > 0)
  .map(([floor, list]) => ({
    name: `floor-${floor}-looks-up`,
    comment: `Floor ${floor} (${list.join(', ')}) may not import a higher floor.`,
    severity: 'error',
    from: { path: folders(list) },
    to: { path: folders(above(Number(floor))) },
  }));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'folder-not-on-a-floor',
      comment:
        'Every top-level folder of src/ has a floor: add it to FLOORS in .dependency-cruiser.cjs and to the README table.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: folders([...floorOf.keys()]) },
      to: {},
    },
    {
      name: 'no-folder-cycles',
      comment: 'Two folders that need each other: one announces on the change bus, or the shared piece moves down.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-imports-no-tests',
      comment: 'Production code never depends on test helpers.',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(test|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // Unit specs sit beside the code they test and follow the same floors.
    includeOnly: '^src/',
  },
};

// The integration tier (`npm run test:integration`): tests that need system
// packages (Chromium, PostgreSQL, redis-server). They start those components
// themselves and fail, never skip, when one cannot start. `npm test` leaves
// this folder out, so it runs with Node alone.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }],
};
const common = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform,
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
module.exports = {
  // One file at a time: each starts real servers, and CI has two cores.
  maxWorkers: 1,
  testTimeout: 120000,
  projects: [
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      testRegex: '.*\\.int-spec\\.ts$',
      testTimeout: 120000,
    },
    {
      // The whole e2e suite again, on PostgreSQL (test/helpers/test-database.ts).
      ...common,
      displayName: 'e2e-postgres',
      roots: ['<rootDir>/test'],
      testRegex: '.*\\.e2e-spec\\.ts$',
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/'],
      globalSetup: '<rootDir>/test/integration/support/postgres-global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/support/postgres-global-teardown.ts',
      testTimeout: 60000,
    },
  ],
};

// The integration tier (`npm run test:integration`): tests that need system
// packages (Chromium, PostgreSQL, redis-server). They start those components
// themselves and fail, never skip, when one cannot start. `npm test` leaves
// this folder out, so it runs with Node alone.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/test/integration'],
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '.*\\.int-spec\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }],
  },
  testEnvironment: 'node',
  testTimeout: 120000,
  // One file at a time: each starts real servers, and CI has two cores.
  maxWorkers: 1,
};

/* Browser tests of the admin console against the real API and workers (built by `api:build`, `workers:build` and
   `admin-console:build`), a fresh PostgreSQL database and a private Redis key prefix. See src/support/global-setup.ts. */
module.exports = {
  displayName: 'console-e2e',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  testTimeout: 120000,
  // One API and one browser at a time: the machine is small and the specs share the server.
  maxWorkers: 1,
};

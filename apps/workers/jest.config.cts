// Lets globalSetup/globalTeardown import @lsp/* libraries.
require('../../tools/jest/register-paths');

module.exports = {
  displayName: 'workers',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  // Unit tests next to the code, integration tests (real PostgreSQL and Redis) under test/.
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Integration suites boot workers against one shared database; run them one after another.
  maxWorkers: 1,
  testTimeout: 30_000,
  coverageDirectory: '../../coverage/apps/workers',
};

// Lets globalSetup/globalTeardown import @lsp/* libraries.
require('../../tools/jest/register-paths');

module.exports = {
  displayName: 'api',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: '<rootDir>/tsconfig.spec.json',
        // Same Swagger plugin as the webpack build, so the OpenAPI document under test is the one we ship.
        astTransformers: {
          before: [
            {
              path: '<rootDir>/test/swagger-transformer.js',
              options: { classValidatorShim: true, introspectComments: true },
            },
          ],
        },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30000,
  coverageDirectory: '../../coverage/apps/api',
};

// Jest loads globalSetup/globalTeardown with plain Node resolution, not the Nx resolver that maps `@lsp/*` for
// test files; the jest configs require this first so those hooks can import workspace libraries.
const { join } = require('node:path');
const { registerTsConfigPaths } = require('@nx/js/internal');

registerTsConfigPaths(join(__dirname, '../../tsconfig.base.json'));

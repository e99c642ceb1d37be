import { join } from 'node:path';
import { registerTsConfigPaths } from '@nx/js/internal';

/*
 * Jest loads globalSetup/globalTeardown with Node's own module resolution, not the Nx jest resolver that maps
 * `@lsp/*` for test files, so those two files register the workspace path aliases first.
 */
registerTsConfigPaths(join(__dirname, '../../../tsconfig.base.json'));

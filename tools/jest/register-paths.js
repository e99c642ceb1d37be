// Jest's globalSetup/globalTeardown are loaded by plain Node, outside Jest's module resolver, so the workspace
// path aliases (@lsp/*) must be registered explicitly before they import any library.
const path = require('node:path');
const { register } = require('tsconfig-paths');
const base = require('../../tsconfig.base.json');

register({ baseUrl: path.resolve(__dirname, '../..'), paths: base.compilerOptions.paths });

import { resolve } from 'node:path';

/** Jest runs with cwd apps/console-e2e; the API and its build outputs live at the workspace root. */
export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');
export const OUTPUT_DIR = resolve(__dirname, '../../test-output');
export const SCREENSHOT_DIR = resolve(OUTPUT_DIR, 'screenshots');
export const STATE_FILE = resolve(OUTPUT_DIR, 'e2e-state.json');
export const API_LOG = resolve(OUTPUT_DIR, 'api.log');
export const WORKERS_LOG = resolve(OUTPUT_DIR, 'workers.log');

export const API_MAIN = resolve(WORKSPACE_ROOT, 'dist/apps/api/main.js');
export const API_MIGRATE = resolve(WORKSPACE_ROOT, 'dist/apps/api/migrate.js');
/** The workers relay the outbox to the live streams; without them the console works, just not live. */
export const WORKERS_MAIN = resolve(WORKSPACE_ROOT, 'dist/apps/workers/main.js');
/** Relative on purpose: the API resolves it against its own cwd, the workspace root. */
export const CONSOLE_DIST = 'dist/apps/admin-console/browser';

export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

import 'reflect-metadata';
import { ConfigError, createLogger, loadConfig } from '@lsp/platform';
import { prepareDatabase } from '@lsp/persistence';

/** `node dist/apps/api/migrate.js`: create the database if absent, migrate, bootstrap the first admin. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger('migrate', config.logLevel);
  try {
    const result = await prepareDatabase(config, logger);
    if (result.adminPassword) {
      // Printed once, to the terminal only (not the structured log): the one moment this password is visible.
      process.stdout.write(
        `\n  First admin created: ${config.bootstrapAdminEmail}\n  Password (shown once): ${result.adminPassword}\n\n`,
      );
    }
  } catch (e) {
    process.stderr.write(`Database preparation failed: ${(e as Error).message}\n`);
    process.exit(1);
  }
}

void main();

import 'reflect-metadata';
import { ConfigError, createLogger, loadConfig } from '@lsp/platform';
import { createApiApp } from './bootstrap';

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
  const logger = createLogger('api', config.logLevel);
  for (const name of config.generated) {
    logger.warn(
      `${name} is not set: generated a random one for this process (development only; set it to keep sessions across restarts)`,
    );
  }
  let app;
  try {
    app = await createApiApp(config, logger);
  } catch (e) {
    process.stderr.write(`API failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  await app.listen({ port: config.port, host: '0.0.0.0' });
  logger.info({ port: config.port }, 'API listening');
}

void main();

import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { type AppConfig, ConfigError, createLogger, type Logger, loadConfig, PinoNestLogger } from '@lsp/platform';
import { waitForDependencies } from './core/dependencies';
import { StartupError } from './core/startup-error';
import { lowerProcessPriority } from './core/process-priority';
import { selectQueues } from './core/queue-selection';
import { WorkersModule } from './workers.module';

/** Longest a graceful stop may take (a running job finishing) before the process gives up and exits 1. */
const SHUTDOWN_TIMEOUT_MS = 25_000;
const DEPENDENCY_TIMEOUT_MS = 10_000;

function fail(prefix: string, err: Error): never {
  // One line on stderr, no stack: these are operator errors, not bugs.
  process.stderr.write(`${prefix}: ${err.message}\n`);
  process.exit(1);
}

function handleSignals(app: INestApplicationContext, logger: Logger): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for running jobs');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutdown requested');
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'graceful shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    try {
      await app.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void stop(signal));
  }
}

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
    selectQueues(config.workerQueues);
  } catch (err) {
    if (err instanceof ConfigError) fail('Configuration error', err);
    throw err;
  }
  const logger = createLogger('workers', config.logLevel);
  if (config.generated.length > 0) {
    logger.warn(
      { generated: config.generated },
      'secrets generated for development; set them for any shared environment',
    );
  }

  if (config.workerNice > 0) {
    const priority = lowerProcessPriority(config.workerNice);
    if ('error' in priority)
      logger.warn({ workerNice: config.workerNice, error: priority.error }, 'could not lower CPU priority');
    else logger.info({ nice: priority.nice }, 'CPU priority set for background work');
  }

  try {
    await waitForDependencies(config, logger, DEPENDENCY_TIMEOUT_MS);
  } catch (err) {
    if (err instanceof StartupError) fail('Startup error', err);
    throw err;
  }

  const app = await NestFactory.createApplicationContext(WorkersModule.forRoot(config, { logger }), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  handleSignals(app, logger);
}

bootstrap().catch((err: unknown) => {
  const error = err instanceof Error ? err : new Error(String(err));
  // Anything but an expected StartupError (e.g. a listen failure) may be a bug: keep its stack below the line.
  if (!(error instanceof StartupError) && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  fail('Startup error', error);
});
